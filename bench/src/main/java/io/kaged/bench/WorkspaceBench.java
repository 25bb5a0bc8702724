package io.kaged.bench;

import io.kaged.actors.workspace.WorkspaceChanges;
import io.kaged.actors.workspace.WorkspaceSettings;
import io.kaged.actors.workspace.WorkspaceSnapshot;
import io.kaged.actors.workspace.WorkspaceStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Workspace snapshots (kaged.workspaces) on a generated workspace: the first snapshot, the next ones of the
 * unchanged folder (the target: under 2 s for 10,000 files and 200 MB), the disk an unchanged checkpoint adds
 * (the target: under 5%), a snapshot after 1% of the files changed, and the diff and restore of that change.
 * The files are random bytes (no compression helps) in 100 folders, their times set a minute back, as a
 * workspace an agent has been working in looks to the racy-file rule.
 */
public final class WorkspaceBench {

    public static void main(String[] args) throws Exception {
        int files;
        long totalMb;
        int rounds;
        try {
            Flags f = Flags.parse(args);
            files = f.integer("files", 10_000, 1);
            totalMb = f.integer("mb", 200, 1);
            rounds = f.integer("rounds", 5, 1);
            f.done();
        } catch (Flags.UsageException e) {
            if (e.getMessage() != null) {
                System.err.println("error: " + e.getMessage());
            }
            System.err.println("usage: WorkspaceBench [--files 10000] [--mb 200] [--rounds 5]");
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        Path work = Files.createTempDirectory("kaged-workspace-bench");
        try {
            run(work, files, totalMb * 1024 * 1024, rounds);
        } finally {
            delete(work);
        }
    }

    private static void run(Path work, int files, long bytes, int rounds) throws IOException {
        Path ws = Files.createDirectories(work.resolve("ws"));
        List<Path> all = generate(ws, files, bytes);
        WorkspaceStore store = new WorkspaceStore(
                new WorkspaceSettings(work.resolve("workspaces"), 64L << 20, 4L << 30, 1 << 20, 100),
                Clock.systemUTC());
        String run = "bench-run";
        System.out.printf(Locale.ROOT, "workspace: %d files, %.0f MiB in %s%n", files, bytes / 1048576.0, ws);

        long t0 = System.nanoTime();
        WorkspaceSnapshot first = store.snapshot(run, ws, "cp-0");
        System.out.printf(Locale.ROOT, "first snapshot:     %7.2f s (%d files)%n", secs(t0), first.files());

        List<Double> again = new ArrayList<>();
        for (int i = 1; i <= rounds; i++) {
            long t = System.nanoTime();
            store.snapshot(run, ws, "cp-" + i);
            again.add(secs(t));
        }
        again.sort(Comparator.naturalOrder());
        System.out.printf(
                Locale.ROOT,
                "unchanged snapshot: %7.2f s median, %.2f s max (%d rounds)%n",
                again.get(again.size() / 2),
                again.get(again.size() - 1),
                rounds);

        Path repo = store.location(run);
        long before = du(repo);
        store.snapshot(run, ws, "cp-extra");
        long after = du(repo);
        System.out.printf(
                Locale.ROOT,
                "disk: repository %.1f MiB (workspace %.1f MiB); an unchanged checkpoint adds %d KiB = %.3f%%%n",
                before / 1048576.0,
                bytes / 1048576.0,
                (after - before) / 1024,
                100.0 * (after - before) / before);

        Random random = new Random(7);
        int changed = Math.max(1, files / 100);
        for (int i = 0; i < changed; i++) {
            Path p = all.get(random.nextInt(all.size()));
            byte[] data = new byte[(int) Files.size(p)];
            random.nextBytes(data);
            Files.write(p, data);
        }
        long t1 = System.nanoTime();
        store.snapshot(run, ws, "cp-changed");
        System.out.printf(Locale.ROOT, "snapshot, 1%% of files changed: %.2f s%n", secs(t1));

        long t2 = System.nanoTime();
        WorkspaceChanges diff = store.diff(run, ws, "cp-0", false);
        System.out.printf(
                Locale.ROOT,
                "diff against the first: %.2f s (%d modified)%n",
                secs(t2),
                diff.modified().size());
        long t3 = System.nanoTime();
        WorkspaceChanges undone = store.restore(run, ws, "cp-0");
        System.out.printf(
                Locale.ROOT, "restore to the first:   %.2f s (%d files rewritten)%n", secs(t3), undone.count());
    }

    private static List<Path> generate(Path ws, int files, long bytes) throws IOException {
        Random random = new Random(42);
        int size = (int) (bytes / files);
        FileTime old = FileTime.from(Instant.now().minusSeconds(60));
        List<Path> all = new ArrayList<>();
        byte[] data = new byte[size];
        for (int i = 0; i < files; i++) {
            Path dir = Files.createDirectories(ws.resolve("d" + (i % 100)));
            Path p = dir.resolve("f" + i + ".bin");
            random.nextBytes(data);
            Files.write(p, data);
            Files.setLastModifiedTime(p, old);
            all.add(p);
        }
        return all;
    }

    /** Disk blocks in use under {@code dir}, in bytes, as du counts them. */
    private static long du(Path dir) throws IOException {
        Process p = new ProcessBuilder("du", "-sk", dir.toString()).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        return Long.parseLong(out.split("\\s+")[0]) * 1024;
    }

    private static double secs(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static void delete(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
