package io.kaged.actors.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt's cgroup: its limits are written before the process starts, the process joins it before it
 * runs the command ({@link #wrap}), and when the process has ended the limits it ran into are read and the
 * cgroup is removed. On cgroup v2 it is one cgroup; on v1 one in each controller's hierarchy (ADR-0079).
 */
public final class CgroupAttempt {

    /**
     * The process joins each of the N cgroups, then becomes the command (same pid): bubblewrap and everything
     * in the sandbox are in them from their first instruction, and a failure to join stops the attempt rather
     * than run it unlimited. Arguments: N, the N {@code cgroup.procs} files, then the command.
     */
    private static final String JOIN = "n=$0; while [ \"$n\" -gt 0 ]; do if ! echo $$ > \"$1\"; then"
            + " echo \"kaged: cannot join the cgroup $1\" >&2; exit 125; fi; shift; n=$((n-1)); done; exec \"$@\"";

    /** v1's period for a CPU quota, as v2's {@code cpu.max} has it. */
    private static final long CPU_PERIOD_US = 100_000;

    /** The cgroups, by controller on v1; one entry, {@link #V2}, on v2. */
    private final Map<String, Path> dirs;

    private static final String V2 = "";
    private final Executor blocking;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile List<LimitHit> hits = List.of();

    CgroupAttempt(Path dir, Executor blocking) {
        this(Map.of(V2, dir), blocking);
    }

    private CgroupAttempt(Map<String, Path> dirs, Executor blocking) {
        this.dirs = Map.copyOf(dirs);
        this.blocking = blocking;
    }

    /** An attempt's cgroups on a cgroup v1 host: one per controller, each in that controller's hierarchy. */
    static CgroupAttempt v1(Map<String, Path> byController, Executor blocking) {
        return new CgroupAttempt(new LinkedHashMap<>(byController), blocking);
    }

    private boolean v1() {
        return !dirs.containsKey(V2);
    }

    /** Where the attempt's cgroups are, for its events: a path, or on v1 one per controller. */
    public String where() {
        if (!v1()) {
            return dirs.get(V2).toString();
        }
        return dirs.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    void limit(SandboxLimits limits) throws IOException {
        if (v1()) {
            limitV1(limits);
            return;
        }
        Path dir = dirs.get(V2);
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

    /**
     * v1's files: {@code memory.limit_in_bytes} (and {@code memory.memsw.limit_in_bytes}, memory and swap
     * together, to the same value: no escape into swap), a CPU quota of a 100 ms period, {@code pids.max}.
     */
    private void limitV1(SandboxLimits limits) throws IOException {
        if (limits.memory() != null) {
            Path memory = dirs.get("memory");
            Cgroups.write(memory.resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
            Path withSwap = memory.resolve("memory.memsw.limit_in_bytes");
            if (Files.exists(withSwap)) {
                Cgroups.write(withSwap, Long.toString(limits.memoryBytes()));
            }
        }
        if (limits.cpu() != null) {
            Path cpu = dirs.get("cpu");
            Cgroups.write(cpu.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_US));
            Cgroups.write(cpu.resolve("cpu.cfs_quota_us"), limits.cpuMax().split(" ")[0]);
        }
        if (limits.pids() != null) {
            Cgroups.write(dirs.get("pids").resolve("pids.max"), Integer.toString(limits.pids()));
        }
    }

    /** {@code argv} started so that its process joins this attempt's cgroups first. */
    public List<String> wrap(List<String> argv) {
        List<String> wrapped = new ArrayList<>(argv.size() + 4 + dirs.size());
        wrapped.addAll(List.of("/bin/sh", "-c", JOIN, Integer.toString(dirs.size())));
        dirs.values().stream()
                .map(d -> d.resolve("cgroup.procs").toString())
                .sorted()
                .forEach(wrapped::add);
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
        // v1 counts OOM kills in memory.oom_control, v2 in memory.events; pids.events is the same in both
        Path memory = dirs.getOrDefault(v1() ? "memory" : V2, null);
        long oom =
                memory == null ? 0 : counter(memory.resolve(v1() ? "memory.oom_control" : "memory.events"), "oom_kill");
        if (oom > 0) {
            found.add(new LimitHit("memory", oom));
        }
        Path pidsDir = dirs.getOrDefault(v1() ? "pids" : V2, null);
        long pids = pidsDir == null ? 0 : counter(pidsDir.resolve("pids.events"), "max");
        if (pids > 0) {
            found.add(new LimitHit("pids", pids));
        }
        hits = List.copyOf(found);
        blocking.execute(() -> dirs.values().forEach(CgroupAttempt::remove));
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
                    } else {
                        // v1, or a kernel before 5.14: no cgroup.kill, so each process it lists
                        Cgroups.words(dir.resolve("cgroup.procs")).forEach(pid -> ProcessHandle.of(Long.parseLong(pid))
                                .ifPresent(ProcessHandle::destroyForcibly));
                    }
                    Thread.sleep(100);
                } catch (IOException | NumberFormatException ignored) {
                    // gone meanwhile: try the removal again
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
