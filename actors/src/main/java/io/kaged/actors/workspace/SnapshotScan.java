package io.kaged.actors.workspace;

import io.kaged.actors.workspace.WorkspaceSnapshot.Skipped;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.util.FS;

/**
 * Turns a workspace's files into a tree of the snapshot repository. Each file's blob id is remembered with
 * its size, modification time and mode in a cache beside the repository ({@code kaged-cache}, in git's
 * index format): a file whose three are unchanged since the last snapshot is not read again, which is what
 * makes a checkpoint of a big, mostly unchanged workspace cheap. A file modified within the last two
 * seconds is never trusted from the cache (a write in the same clock tick would look unchanged).
 */
final class SnapshotScan {

    /** The workspace as a tree, what was left out, and how much was kept. */
    record Result(ObjectId tree, int files, long bytes, List<Skipped> skipped) {}

    static final String CACHE = "kaged-cache";
    private static final long RACY_SECONDS = 2;

    private SnapshotScan() {}

    static File cacheFile(Repository repo) {
        return new File(repo.getDirectory(), CACHE);
    }

    /** Writes the blobs and trees of {@code files}; the caller flushes the inserter. */
    static Result scan(Repository repo, List<FolderWalk.Entry> files, ObjectInserter inserter, WorkspaceSettings bounds)
            throws IOException {
        DirCache cache = DirCache.lock(cacheFile(repo), FS.DETECTED);
        try {
            DirCacheBuilder next = cache.builder();
            List<Skipped> skipped = new ArrayList<>();
            Instant racy = Instant.now().minusSeconds(RACY_SECONDS);
            long total = 0;
            int count = 0;
            boolean full = false;
            for (FolderWalk.Entry f : files) {
                if (f.size() > bounds.maxFileBytes()) {
                    skipped.add(new Skipped(f.path(), "larger than kaged.workspaces.max-file-size"));
                    continue;
                }
                if (full || total + f.size() > bounds.maxSnapshotBytes()) {
                    full = true;
                    skipped.add(new Skipped(f.path(), "past kaged.workspaces.max-snapshot-size"));
                    continue;
                }
                DirCacheEntry entry;
                try {
                    entry = new DirCacheEntry(f.path());
                } catch (IllegalArgumentException e) {
                    skipped.add(new Skipped(f.path(), "a name git cannot hold"));
                    continue;
                }
                ObjectId id;
                try {
                    id = cached(cache.getEntry(f.path()), f, racy);
                    if (id == null) {
                        id = insert(inserter, f);
                    }
                } catch (IOException e) {
                    skipped.add(new Skipped(f.path(), "unreadable: " + e.getMessage()));
                    continue;
                }
                entry.setFileMode(f.mode());
                entry.setObjectId(id);
                entry.setLength(f.size());
                entry.setLastModified(f.modified().isBefore(racy) ? f.modified() : Instant.EPOCH);
                next.add(entry);
                total += f.size();
                count++;
            }
            next.finish();
            ObjectId tree = cache.writeTree(inserter);
            inserter.flush();
            // the cache names only blobs the repository now holds
            cache.write();
            cache.commit();
            return new Result(tree, count, total, skipped);
        } finally {
            cache.unlock();
        }
    }

    /** The blob id the cache holds for {@code f}, if {@code f} is unchanged since; null if it must be read. */
    static ObjectId cached(DirCacheEntry entry, FolderWalk.Entry f, Instant racy) {
        if (entry == null
                || f.mode() == FileMode.SYMLINK
                || entry.getFileMode() != f.mode()
                || entry.getLength() != f.size()
                || !f.modified().isBefore(racy)
                || !entry.getLastModifiedInstant().equals(f.modified())) {
            return null;
        }
        return entry.getObjectId();
    }

    static ObjectId insert(ObjectInserter inserter, FolderWalk.Entry f) throws IOException {
        if (f.mode() == FileMode.SYMLINK) {
            return inserter.insert(Constants.OBJ_BLOB, target(f));
        }
        try (InputStream in = Files.newInputStream(f.file())) {
            return inserter.insert(Constants.OBJ_BLOB, f.size(), in);
        }
    }

    /** What a symbolic link's blob holds: its target, as git stores it. */
    static byte[] target(FolderWalk.Entry f) throws IOException {
        return Files.readSymbolicLink(f.file()).toString().getBytes(StandardCharsets.UTF_8);
    }
}
