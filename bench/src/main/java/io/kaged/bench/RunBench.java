package io.kaged.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Run numbers of a real daemon (a child JVM started by bin/kaged serve):
 *
 * <ol>
 *   <li>dispatch rate: short runs ({@code true}) through {@code POST /v1/runs}, a fixed number in flight,
 *       until every one is recorded as succeeded;
 *   <li>pause latency: from sending {@code POST /v1/runs/{id}/pause} to the run's process being stopped
 *       (state T in /proc), for a process that is busy writing output;
 *   <li>heap per finished run actor: live heap after a full GC, with the actors kept
 *       ({@code passivate-after = 1h}) and with them passivated.
 * </ol>
 */
public final class RunBench {

    private final Path work;
    private final int runs;
    private final int inFlight;
    private final List<io.kaged.persistence.store.Engine> engines;

    private RunBench(Path work, int runs, int inFlight, List<io.kaged.persistence.store.Engine> engines) {
        this.work = work;
        this.runs = runs;
        this.inFlight = inFlight;
        this.engines = engines;
    }

    public static void main(String[] args) throws Exception {
        int runs = 5000;
        int inFlight = 32;
        List<io.kaged.persistence.store.Engine> engines =
                List.of(io.kaged.persistence.store.Engine.SQLITE, io.kaged.persistence.store.Engine.POSTGRESQL);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
                case "--engines" ->
                    engines = java.util.Arrays.stream(args[++i].split(","))
                            .map(e -> io.kaged.persistence.store.Engine.valueOf(e.toUpperCase(Locale.ROOT)))
                            .toList();
                default -> {
                    System.err.println("usage: RunBench [--runs 5000] [--in-flight 32] [--engines sqlite,postgresql]");
                    System.exit(2);
                }
            }
        }
        Path work = Files.createTempDirectory("kaged-run-bench");
        new RunBench(work, runs, inFlight, engines).run();
    }

    private void run() throws Exception {
        System.out.printf(Locale.ROOT, "%d runs, %d in flight; work in %s%n", runs, inFlight, work);
        List<String> rows = new ArrayList<>();
        try (BenchStores stores = BenchStores.create()) {
            for (io.kaged.persistence.store.Engine engine : engines) {
                Map<String, String> env = engine == io.kaged.persistence.store.Engine.SQLITE
                        ? Map.of()
                        : Map.of("KAGED_DATABASE_URL", stores.newStoreUrl(engine, "kept"));
                Result kept = measure(engine + "-kept", "1h", env);
                if (!env.isEmpty()) {
                    env = Map.of("KAGED_DATABASE_URL", stores.newStoreUrl(engine, "passivated"));
                }
                Result passivated = measure(engine + "-passivated", "2s", env);
                rows.add(String.format(
                        Locale.ROOT,
                        "| %s | %d | %.0f / %.0f | %.0f / %.0f | %d / %d | %.0f B | %.0f B |",
                        engine.name().toLowerCase(Locale.ROOT),
                        runs,
                        kept.accepted,
                        passivated.accepted,
                        kept.completed,
                        passivated.completed,
                        passivated.pauseMedian,
                        passivated.pauseMax,
                        kept.heapPerRun,
                        passivated.heapPerRun));
            }
        }
        System.out.println();
        System.out.println("| engine | runs | dispatch: accepted/s | dispatch: recorded end to end/s | pause to"
                + " stopped, median / max (ms) | heap per finished run, actors kept | heap per finished run,"
                + " passivated |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
    }

    private record Result(double accepted, double completed, long pauseMedian, long pauseMax, double heapPerRun) {}

    private Result measure(String name, String passivateAfter, Map<String, String> env) throws Exception {
        Path home = work.resolve(name);
        Files.createDirectories(home);
        Files.writeString(home.resolve("kaged.conf"), "kaged.runs.passivate-after = " + passivateAfter + "\n");
        try (BenchDaemon d = BenchDaemon.start(home, work.resolve(name + ".log"), env)) {
            dispatch(d, 200); // warm-up: JIT, pools, first-use paths
            Thread.sleep(3000);
            long baseline = d.liveHeapBytes();

            long cpu0 = d.cpuMillis();
            long t0 = System.nanoTime();
            long accepted = dispatch(d, runs);
            double acceptedPerSec = runs / ((accepted - t0) / 1e9);
            while (succeeded(d) < runs + 200) {
                Thread.sleep(100); // /v1/stats counts the whole store: polling it hard would cost the daemon
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double completedPerSec = runs / seconds;
            long cpu = d.cpuMillis() - cpu0;
            System.out.printf(
                    Locale.ROOT,
                    "[%s] %d runs: accepted %.0f/s, all recorded as succeeded %.0f/s; daemon CPU %.2f ms per run"
                            + " (%.0f%% of one core)%n",
                    name,
                    runs,
                    acceptedPerSec,
                    completedPerSec,
                    cpu / (double) runs,
                    100.0 * cpu / (seconds * 1000));

            List<Long> pauses = pauseLatencies(d, 15);
            Collections.sort(pauses);
            System.out.printf(
                    Locale.ROOT,
                    "[%s] pause request to process stopped: median %d ms, max %d ms (%d tries)%n",
                    name,
                    pauses.get(pauses.size() / 2),
                    pauses.get(pauses.size() - 1),
                    pauses.size());

            Thread.sleep(passivateAfter.equals("1h") ? 3000 : 6000);
            long after = d.liveHeapBytes();
            double perRun = (after - baseline) / (double) runs;
            System.out.printf(
                    Locale.ROOT,
                    "[%s] live heap: %.1f MiB before, %.1f MiB after %d finished runs: %.0f bytes per run%n",
                    name,
                    baseline / 1048576.0,
                    after / 1048576.0,
                    runs,
                    perRun);
            return new Result(
                    acceptedPerSec,
                    completedPerSec,
                    pauses.get(pauses.size() / 2),
                    pauses.get(pauses.size() - 1),
                    perRun);
        }
    }

    /** Dispatches {@code n} runs of {@code true}, {@code inFlight} at a time; returns when all were accepted. */
    private long dispatch(BenchDaemon d, int n) throws Exception {
        Semaphore slots = new Semaphore(inFlight);
        AtomicLong failures = new AtomicLong();
        List<CompletableFuture<?>> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            slots.acquire();
            all.add(d.callAsync("POST", "/v1/runs", Map.of("command", List.of("true")))
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            failures.incrementAndGet();
                        }
                        slots.release();
                    }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .join();
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " dispatches failed");
        }
        return System.nanoTime();
    }

    private static long succeeded(BenchDaemon d) throws Exception {
        JsonNode byState = d.call("GET", "/v1/stats", null).path("runs").path("byState");
        return byState.path("succeeded").asLong();
    }

    private static List<Long> pauseLatencies(BenchDaemon d, int tries) throws Exception {
        List<Long> ms = new ArrayList<>();
        for (int i = 0; i < tries; i++) {
            String id = d.call(
                            "POST",
                            "/v1/runs",
                            Map.of("command", List.of("/bin/sh", "-c", "while :; do echo busy; done")))
                    .get("id")
                    .asText();
            while (!d.call("GET", "/v1/runs/" + id, null).get("state").asText().equals("running")) {
                Thread.sleep(5);
            }
            long pid = processOf(id);
            Thread.sleep(100);
            long t0 = System.nanoTime();
            CompletableFuture<JsonNode> reply = d.callAsync("POST", "/v1/runs/" + id + "/pause", null);
            long deadline = t0 + TimeUnit.SECONDS.toNanos(10);
            while (!stopped(pid) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException("run " + id + " (pid " + pid + ") was not seen stopped within 10 s");
            }
            ms.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            reply.join();
            d.call("POST", "/v1/runs/" + id + "/cancel", null);
        }
        return ms;
    }

    /** The run's process: the one whose environment holds its KAGED_RUN_ID (the daemon does not expose pids). */
    private static long processOf(String runId) throws Exception {
        byte[] marker = ("KAGED_RUN_ID=" + runId).getBytes(StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (var entries = Files.list(Path.of("/proc"))) {
                for (Path p : (Iterable<Path>) entries::iterator) {
                    String name = p.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    try {
                        byte[] envBytes = Files.readAllBytes(p.resolve("environ"));
                        if (indexOf(envBytes, marker) >= 0) {
                            return Long.parseLong(name);
                        }
                    } catch (java.io.IOException gone) {
                        // exited, or not ours
                    }
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no process of run " + runId);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static boolean stopped(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'T';
        } catch (java.io.IOException gone) {
            throw new IllegalStateException("the run's process " + pid + " is gone", gone);
        }
    }
}
