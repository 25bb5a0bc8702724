package io.kaged.actors.workspace;

import io.kaged.actors.workspace.WorkspaceSnapshot.Skipped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Workspace snapshots (docs/runs.md, ADR "workspace repository per run"): one bare repository per run,
 * {@code <dir>/<runId>.git}, kept by kaged alone. A checkpoint's snapshot is a commit of the workspace's
 * files under {@code refs/checkpoints/<checkpointId>}, so it is kept as long as the run is; its message
 * lists the files the snapshot left out, which a restore leaves alone. The user's own {@code .git} is never
 * opened: the workspace is read and written as a plain folder.
 *
 * <p>Every method blocks on file I/O: call it from a blocking executor, never an actor's thread. Calls for
 * one run are serialized; calls for different runs run side by side.
 */
public final class WorkspaceStore {

    /** A checkpoint that has no snapshot (taken without a workspace, or its run's snapshots are gone). */
    public static final class NoSnapshot extends IOException {
        NoSnapshot(String message) {
            super(message);
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WorkspaceStore.class);

    static final String REFS = "refs/checkpoints/";
    private static final String SKIPPED = "skipped ";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final WorkspaceSettings settings;
    private final Clock clock;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();
    /**
     * Runs whose repository was just dropped (the newest {@value #DROPS_KEPT}): a snapshot still queued for
     * one of them (the one taken at dispatch, say) must not create it again.
     */
    private final java.util.Map<String, Boolean> dropped =
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) {
                    return size() > DROPS_KEPT;
                }
            });

    private static final int DROPS_KEPT = 10_000;

    public WorkspaceStore(WorkspaceSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    public WorkspaceSettings settings() {
        return settings;
    }

    /**
     * Whether {@code folder} holds the snapshot repositories or lies inside them: such a folder cannot be a
     * workspace (each snapshot would record the snapshots).
     */
    public boolean overlaps(Path folder) {
        if (settings.dir() == null) {
            return false;
        }
        Path f = folder.toAbsolutePath().normalize();
        Path d = settings.dir().toAbsolutePath().normalize();
        return d.startsWith(f) || f.startsWith(d);
    }

    /** Where run {@code ownerId}'s snapshots are kept. */
    public Path location(String ownerId) {
        if (settings.dir() == null) {
            throw new IllegalStateException(
                    "kaged.workspaces.dir is not set; the daemon sets it to" + " ${KAGED_HOME}/workspaces");
        }
        return settings.dir().resolve(checked(ownerId) + ".git");
    }

    /** Records the files of {@code folder} as checkpoint {@code checkpointId}'s snapshot. */
    public WorkspaceSnapshot snapshot(String ownerId, Path folder, String checkpointId) throws IOException {
        checked(checkpointId);
        synchronized (lock(ownerId)) {
            if (dropped.containsKey(ownerId)) {
                throw new NoSnapshot("the workspace snapshots of " + ownerId + " were deleted with it");
            }
            List<FolderWalk.Entry> files = FolderWalk.walk(folder);
            try (Repository repo = open(ownerId, true);
                    ObjectInserter inserter = inserter(repo)) {
                SnapshotScan.Result scan = SnapshotScan.scan(repo, files, inserter, settings);
                CommitBuilder commit = new CommitBuilder();
                commit.setTreeId(scan.tree());
                PersonIdent kaged = new PersonIdent("kaged", "kaged@localhost", clock.instant(), ZoneOffset.UTC);
                commit.setAuthor(kaged);
                commit.setCommitter(kaged);
                commit.setMessage(message(checkpointId, folder, scan.skipped()));
                ObjectId id = inserter.insert(commit);
                inserter.flush();
                RefUpdate ref = repo.updateRef(REFS + checkpointId);
                ref.setNewObjectId(id);
                ref.setForceUpdate(true);
                RefUpdate.Result result = ref.update();
                if (result != RefUpdate.Result.NEW
                        && result != RefUpdate.Result.FORCED
                        && result != RefUpdate.Result.NO_CHANGE) {
                    throw new IOException("cannot record the snapshot of checkpoint " + checkpointId + ": " + result);
                }
                return new WorkspaceSnapshot(id.name(), scan.files(), scan.bytes(), scan.skipped());
            }
        }
    }

    /** What changed in {@code folder} since checkpoint {@code checkpointId}; with a unified diff if asked. */
    public WorkspaceChanges diff(String ownerId, Path folder, String checkpointId, boolean patch) throws IOException {
        synchronized (lock(ownerId)) {
            try (Repository repo = open(ownerId, false)) {
                TreeComparison.Result diff = compare(repo, folder, checkpointId);
                return new WorkspaceChanges(
                        diff.added(),
                        diff.modified(),
                        diff.deleted(),
                        patch ? PatchWriter.write(repo, diff, settings.maxPatchBytes()) : null);
            }
        }
    }

    /**
     * Makes {@code folder} equal to checkpoint {@code checkpointId}'s snapshot, and says what it undid: the
     * files added since (removed), modified since (rewritten) and deleted since (written back).
     */
    public WorkspaceChanges restore(String ownerId, Path folder, String checkpointId) throws IOException {
        synchronized (lock(ownerId)) {
            try (Repository repo = open(ownerId, false)) {
                TreeComparison.Result diff = compare(repo, folder, checkpointId);
                FolderRestore.apply(repo, folder, diff);
                return new WorkspaceChanges(diff.added(), diff.modified(), diff.deleted(), null);
            }
        }
    }

    /** The snapshot id of checkpoint {@code checkpointId}, if it has one. */
    public Optional<String> snapshotOf(String ownerId, String checkpointId) throws IOException {
        checked(checkpointId);
        synchronized (lock(ownerId)) {
            if (!Files.isDirectory(location(ownerId))) {
                return Optional.empty();
            }
            try (Repository repo = open(ownerId, false)) {
                Ref ref = repo.exactRef(REFS + checkpointId);
                return Optional.ofNullable(ref).map(r -> r.getObjectId().name());
            }
        }
    }

    /** Deletes run {@code ownerId}'s repository, every snapshot and object in it; false if it had none. */
    public boolean drop(String ownerId) throws IOException {
        if (settings.dir() == null) {
            return false;
        }
        try {
            synchronized (lock(ownerId)) {
                dropped.put(ownerId, Boolean.TRUE);
                Path dir = location(ownerId);
                if (!Files.exists(dir)) {
                    return false;
                }
                try (Stream<Path> all = Files.walk(dir)) {
                    for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
                return true;
            }
        } finally {
            // a later call takes a new lock object, and finds the run among the dropped ones
            locks.remove(ownerId);
        }
    }

    /**
     * {@link #drop}s the repositories of runs whose rows were just deleted (a purge, retention); a failure is
     * logged, not thrown: the rows are gone either way, and a repository left behind is only disk.
     */
    public void dropAll(List<String> ownerIds) {
        for (String id : ownerIds) {
            try {
                drop(id);
            } catch (IOException | RuntimeException e) {
                LOG.warn(
                        "The workspace snapshots of run {} could not be deleted ({}): delete {} by hand",
                        id,
                        e,
                        dirOf(id));
            }
        }
    }

    private String dirOf(String id) {
        return settings.dir() == null
                ? "-"
                : settings.dir().resolve(id + ".git").toString();
    }

    private TreeComparison.Result compare(Repository repo, Path folder, String checkpointId) throws IOException {
        checked(checkpointId);
        Ref ref = repo.exactRef(REFS + checkpointId);
        if (ref == null) {
            throw new NoSnapshot("checkpoint " + checkpointId + " has no workspace snapshot");
        }
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit commit = walk.parseCommit(ref.getObjectId());
            return TreeComparison.compare(
                    repo,
                    TreeComparison.files(repo, commit.getTree()),
                    FolderWalk.walk(folder),
                    skipped(commit.getFullMessage()));
        }
    }

    /**
     * One pack per snapshot rather than a loose file per object: a first snapshot of thousands of files
     * writes one file, and a checkpoint that changed nothing writes (nearly) nothing.
     */
    private static ObjectInserter inserter(Repository repo) {
        if (repo.getObjectDatabase() instanceof org.eclipse.jgit.internal.storage.file.ObjectDirectory dir) {
            return dir.newPackInserter();
        }
        return repo.newObjectInserter();
    }

    private Repository open(String ownerId, boolean create) throws IOException {
        Path dir = location(ownerId);
        boolean exists = Files.isDirectory(dir);
        if (!exists && !create) {
            throw new NoSnapshot("no workspace snapshots are kept for " + ownerId);
        }
        Repository repo =
                new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
        if (!exists) {
            Files.createDirectories(dir.getParent());
            repo.create(true);
        }
        return repo;
    }

    private static String message(String checkpointId, Path folder, List<Skipped> skipped) {
        StringBuilder m = new StringBuilder("checkpoint " + checkpointId + " of " + folder + "\n");
        if (!skipped.isEmpty()) {
            m.append('\n');
            for (Skipped s : skipped) {
                m.append(SKIPPED).append(s.path()).append('\n');
            }
        }
        return m.toString();
    }

    private static Set<String> skipped(String message) {
        Set<String> paths = new HashSet<>();
        for (String line : message.split("\n")) {
            if (line.startsWith(SKIPPED)) {
                paths.add(line.substring(SKIPPED.length()));
            }
        }
        return paths;
    }

    private Object lock(String ownerId) {
        return locks.computeIfAbsent(checked(ownerId), k -> new Object());
    }

    private static String checked(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a kaged id: " + id);
        }
        return id;
    }
}
