package io.kaged.actors.workspace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * A snapshot's tree against the workspace's files now: which were added, modified and deleted since. A
 * file is compared by mode, then size, then the cached blob id (see {@link SnapshotScan}), and only then by
 * hashing its content; hashing here writes nothing to the repository.
 */
final class TreeComparison {

    /** A file of the snapshot's tree. */
    record Target(ObjectId id, FileMode mode) {}

    /** The comparison: paths in order, and the entries on each side for what differs. */
    record Result(
            List<String> added,
            List<String> modified,
            List<String> deleted,
            Map<String, Target> tree,
            Map<String, FolderWalk.Entry> now) {}

    private TreeComparison() {}

    static Map<String, Target> files(Repository repo, RevTree tree) throws IOException {
        Map<String, Target> files = new LinkedHashMap<>();
        try (TreeWalk walk = new TreeWalk(repo)) {
            walk.addTree(tree);
            walk.setRecursive(true);
            while (walk.next()) {
                files.put(walk.getPathString(), new Target(walk.getObjectId(0), walk.getFileMode(0)));
            }
        }
        return files;
    }

    /**
     * @param keep paths the snapshot left out (past a bound): they are neither added nor to be removed
     */
    static Result compare(Repository repo, Map<String, Target> tree, List<FolderWalk.Entry> files, Set<String> keep)
            throws IOException {
        Map<String, FolderWalk.Entry> now = new TreeMap<>();
        for (FolderWalk.Entry f : files) {
            now.put(f.path(), f);
        }
        DirCache cache = DirCache.read(SnapshotScan.cacheFile(repo), org.eclipse.jgit.util.FS.DETECTED);
        Instant racy = Instant.now().minusSeconds(2);
        List<String> added = new ArrayList<>();
        List<String> modified = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        try (ObjectReader reader = repo.newObjectReader()) {
            for (Map.Entry<String, Target> t : new TreeMap<>(tree).entrySet()) {
                FolderWalk.Entry f = now.get(t.getKey());
                if (f == null) {
                    deleted.add(t.getKey());
                } else if (!same(reader, cache, t.getValue(), f, racy)) {
                    modified.add(t.getKey());
                }
            }
        }
        for (String path : now.keySet()) {
            if (!tree.containsKey(path) && !keep.contains(path)) {
                added.add(path);
            }
        }
        return new Result(added, modified, deleted, tree, now);
    }

    private static boolean same(ObjectReader reader, DirCache cache, Target t, FolderWalk.Entry f, Instant racy)
            throws IOException {
        if (t.mode() != f.mode()) {
            return false;
        }
        if (f.mode() != FileMode.SYMLINK && reader.getObjectSize(t.id(), Constants.OBJ_BLOB) != f.size()) {
            return false;
        }
        ObjectId cached = SnapshotScan.cached(cache.getEntry(f.path()), f, racy);
        if (cached != null) {
            return cached.equals(t.id());
        }
        return hash(f).equals(t.id());
    }

    private static ObjectId hash(FolderWalk.Entry f) throws IOException {
        ObjectInserter.Formatter formatter = new ObjectInserter.Formatter();
        if (f.mode() == FileMode.SYMLINK) {
            return formatter.idFor(Constants.OBJ_BLOB, SnapshotScan.target(f));
        }
        try (InputStream in = Files.newInputStream(f.file())) {
            return formatter.idFor(Constants.OBJ_BLOB, f.size(), in);
        }
    }
}
