package io.kaged.actors.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt's cgroup: its limits are written before the process starts, the process joins it before it
 * runs the command ({@link #wrap}), and when the process has ended the limits it ran into are read and the
 * cgroup is removed.
 */
public final class CgroupAttempt {

    /**
     * The process joins the cgroup, then becomes the command (same pid): bubblewrap and everything in the
     * sandbox are in it from their first instruction, and a failure to join stops the attempt rather than
     * run it unlimited.
     */
    private static final String JOIN =
            "if ! echo $$ > \"$0\"; then echo \"kaged: cannot join the cgroup $0\" >&2;" + " exit 125; fi; exec \"$@\"";

    private final Path dir;
    private final Executor blocking;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile List<LimitHit> hits = List.of();

    CgroupAttempt(Path dir, Executor blocking) {
        this.dir = dir;
        this.blocking = blocking;
    }

    public Path dir() {
        return dir;
    }

    void limit(SandboxLimits limits) throws IOException {
        if (limits.memory() != null) {
            Cgroups.write(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
            Path swap = dir.resolve("memory.swap.max");
            if (Files.exists(swap)) {
                // past the limit the tree is killed, not swapped out: the limit is the memory it may use
                Cgroups.write(swap, "0");
            }
        }
        if (limits.cpu() != null) {
            Cgroups.write(dir.resolve("cpu.max"), limits.cpuMax());
        }
        if (limits.pids() != null) {
            Cgroups.write(dir.resolve("pids.max"), Integer.toString(limits.pids()));
        }
    }

    /** {@code argv} started so that its process joins this cgroup first. */
    public List<String> wrap(List<String> argv) {
        List<String> wrapped = new ArrayList<>(argv.size() + 4);
        wrapped.addAll(
                List.of("/bin/sh", "-c", JOIN, dir.resolve("cgroup.procs").toString()));
        wrapped.addAll(argv);
        return wrapped;
    }

    /**
     * Once the attempt's process has ended: reads the limits it ran into, then kills what is left in the
     * cgroup and removes it in the background. Idempotent.
     */
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<LimitHit> found = new ArrayList<>(2);
        long oom = counter(dir.resolve("memory.events"), "oom_kill");
        if (oom > 0) {
            found.add(new LimitHit("memory", oom));
        }
        long pids = counter(dir.resolve("pids.events"), "max");
        if (pids > 0) {
            found.add(new LimitHit("pids", pids));
        }
        hits = List.copyOf(found);
        blocking.execute(() -> remove(dir));
    }

    /** The limits the attempt ran into; empty until {@link #close()}. */
    public List<LimitHit> hits() {
        return hits;
    }

    private static long counter(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] kv = line.trim().split("\\s+");
                if (kv.length == 2 && kv[0].equals(key)) {
                    return Long.parseLong(kv[1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no such controller here, or the cgroup is gone: nothing was counted
        }
        return 0;
    }

    /** Kills what is left in the cgroup (a daemonized grandchild) and removes it, trying for a while. */
    static void remove(Path dir) {
        Path kill = dir.resolve("cgroup.kill");
        for (int i = 0; i < 50; i++) {
            try {
                Files.delete(dir);
                return;
            } catch (NoSuchFileException gone) {
                return;
            } catch (IOException busy) {
                try {
                    if (Files.exists(kill)) {
                        Cgroups.write(kill, "1");
                    }
                    Thread.sleep(100);
                } catch (IOException ignored) {
                    // an older kernel without cgroup.kill: wait for the processes to end
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
