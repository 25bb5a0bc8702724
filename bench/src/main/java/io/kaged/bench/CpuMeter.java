package io.kaged.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where the CPU went during a phase: the whole process, each group of Java threads (a dispatcher, a
 * write lane), and the whole machine, so that a reader can tell a journal bottleneck from a busy
 * neighbour. Thread groups are thread names without their trailing numbers.
 */
final class CpuMeter {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final long startNanos = System.nanoTime();
    private final long startProcess = OS.getProcessCpuTime();
    private final long[] startMachine = machineTicks();
    private final Map<Long, Long> startThreads = threadCpu();
    private final long[] startGc = gc();
    private final Map<String, Long> startVm = vmThreadTicks();

    static CpuMeter start() {
        return new CpuMeter();
    }

    /**
     * What a phase used: {@code line} tells the cores used by the process, by its busiest thread groups,
     * and machine load; {@code microsPerItem} is the process's CPU time per item of work (an event, a row),
     * the figure to compare two builds by on a machine whose hypervisor takes a varying share of the CPU:
     * the time it takes is counted to no thread here, while throughput drops with it. {@code stolenShare}
     * is the share of the machine's time the hypervisor gave to other guests, NaN where /proc/stat is
     * missing.
     */
    record Reading(String line, double microsPerItem, double stolenShare) {}

    Reading stop(long items, String item) {
        double wall = System.nanoTime() - startNanos;
        long processNanos = OS.getProcessCpuTime() - startProcess;
        double process = processNanos / wall;
        long[] endMachine = machineTicks();
        Map<String, Long> byGroup = new HashMap<>();
        long[] ids = THREADS.getAllThreadIds();
        ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long cpu = THREADS.getThreadCpuTime(ids[i]);
            if (infos[i] == null || cpu < 0) {
                continue;
            }
            long used = cpu - startThreads.getOrDefault(ids[i], 0L);
            byGroup.merge(group(infos[i].getThreadName()), used, Long::sum);
        }
        vmThreadTicks()
                .forEach((name, ticks) ->
                        byGroup.merge(name, (ticks - startVm.getOrDefault(name, 0L)) * NANOS_PER_TICK, Long::sum));
        String groups = byGroup.entrySet().stream()
                .filter(e -> e.getValue() / wall >= 0.02)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(8)
                .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() / wall))
                .collect(Collectors.joining(", "));
        String machine = "n/a";
        double stolen = Double.NaN;
        if (startMachine.length == 3 && endMachine.length == 3 && endMachine[1] > startMachine[1]) {
            double total = endMachine[1] - startMachine[1];
            double busy = (endMachine[0] - startMachine[0]) / total;
            stolen = (endMachine[2] - startMachine[2]) / total;
            machine = String.format(Locale.ROOT, "%.0f%%", 100 * busy)
                    // Time the hypervisor gave another guest: busy for this machine, but nobody's work here.
                    + (stolen >= 0.005
                            ? String.format(Locale.ROOT, " (%.0f%% stolen by the hypervisor)", 100 * stolen)
                            : "");
        }
        long[] endGc = gc();
        double micros = processNanos / 1e3 / items;
        String line = String.format(
                Locale.ROOT,
                "CPU: process %.2f of %d cores, %.1f µs per %s (%s), %d GCs taking %d ms, machine busy %s",
                process,
                Runtime.getRuntime().availableProcessors(),
                micros,
                item,
                groups,
                endGc[0] - startGc[0],
                endGc[1] - startGc[1],
                machine);
        return new Reading(line, micros, stolen);
    }

    /** Collections and milliseconds spent collecting, summed over every collector. */
    private static long[] gc() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    private static Map<Long, Long> threadCpu() {
        Map<Long, Long> cpu = new LinkedHashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long t = THREADS.getThreadCpuTime(id);
            if (t >= 0) {
                cpu.put(id, t);
            }
        }
        return cpu;
    }

    private static String group(String threadName) {
        String name = threadName.replaceFirst("^kaged-bench-", "");
        String previous;
        do {
            previous = name;
            name = name.replaceFirst("-\\d+$", "");
        } while (!name.equals(previous));
        return name;
    }

    /** Clock ticks of /proc's counters: 100 per second on Linux. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    /**
     * CPU ticks of the JVM's own threads (the JIT compilers, the collector's), which the thread bean does
     * not list, summed by kind from /proc/self/task: without them a phase's JIT work looks like nothing.
     */
    private static Map<String, Long> vmThreadTicks() {
        Map<String, Long> ticks = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended
                }
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String kind = vmThreadKind(comm);
                if (kind != null) {
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // utime and stime: fields 14 and 15 of stat, 12 and 13 after the name and state
                    ticks.merge(kind, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of(); // not Linux: the groups above still tell the Java side
        }
        return ticks;
    }

    private static String vmThreadKind(String comm) {
        if (comm.startsWith("C2 Compiler") || comm.startsWith("C1 Compiler")) {
            return "JIT " + comm.substring(0, 2);
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread")) {
            return "GC and VM";
        }
        return null;
    }

    /** Busy, total and stolen jiffies of all CPUs from /proc/stat, or an empty array off Linux. */
    private static long[] machineTicks() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
            long[] v = Arrays.stream(cpu.trim().split("\\s+"))
                    .skip(1)
                    .mapToLong(Long::parseLong)
                    .toArray();
            long total = Arrays.stream(v).limit(8).sum();
            long idle = v[3] + v[4];
            return new long[] {total - idle, total, v[7]};
        } catch (IOException | RuntimeException e) {
            return new long[0];
        }
    }
}
