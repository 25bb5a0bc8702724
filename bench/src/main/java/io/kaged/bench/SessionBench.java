package io.kaged.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Session numbers of a real daemon (a child JVM, as an operator runs it): start to healthy, idle RSS and
 * RSS with 100 live shells (and threads), output throughput of {@code cat} of a big file through a
 * session into the transcript as a ratio to a bare pty4j process in the same run, and attach latency with
 * 1 MiB of scrollback; for each JVM flag set asked for (bin/kaged's, the JDK's defaults), one after the
 * other in the same run, each on its own store.
 */
public final class SessionBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A set of JVM flags the daemon runs with, and the environment that selects it in bin/kaged. */
    private record FlagSet(String name, String description, Map<String, String> env) {
        static FlagSet named(String name) {
            Map<String, String> env = new HashMap<>();
            switch (name) {
                case "kaged" -> {
                    env.put("KAGED_JVM_FLAGS", null); // bin/kaged's own flags
                    env.put("MALLOC_ARENA_MAX", null);
                    return new FlagSet(name, "bin/kaged's flags", env);
                }
                case "jdk" -> {
                    env.put("KAGED_JVM_FLAGS", ""); // the JDK's defaults: G1, C2, a quarter of RAM as heap
                    env.put("MALLOC_ARENA_MAX", null);
                    return new FlagSet(name, "the JDK's defaults", env);
                }
                default -> throw new Flags.UsageException("--flag-sets takes kaged and jdk, got '" + name + "'");
            }
        }
    }

    /** What one flag set measured. */
    private record Result(
            FlagSet set,
            List<Long> starts,
            long idleKb,
            long idleThreads,
            long busyKb,
            long busyThreads,
            List<CatRound> rounds,
            List<Long> attach) {}

    private final Path work;
    private final int catMegabytes;
    private final int sessions;
    private final int catRounds;
    private final List<FlagSet> flagSets;
    private BenchDaemon daemon;

    private SessionBench(Path work, int catMegabytes, int sessions, int catRounds, List<FlagSet> flagSets) {
        this.work = work;
        this.catMegabytes = catMegabytes;
        this.sessions = sessions;
        this.catRounds = catRounds;
        this.flagSets = flagSets;
    }

    public static void main(String[] args) throws Exception {
        int mb;
        int sessions;
        int catRounds;
        List<FlagSet> sets = new ArrayList<>();
        try {
            Flags f = Flags.parse(args);
            mb = f.integer("cat-mb", 200, 1);
            sessions = f.integer("sessions", 100, 1);
            catRounds = f.integer("cat-rounds", 3, 1);
            for (String name : f.text("flag-sets", "kaged,jdk").split(",")) {
                sets.add(FlagSet.named(name.trim()));
            }
            f.done();
        } catch (Flags.UsageException e) {
            if (e.getMessage() != null) {
                System.err.println("error: " + e.getMessage());
            }
            System.err.println(
                    "usage: SessionBench [--cat-mb 200] [--sessions 100] [--cat-rounds 3] [--flag-sets kaged,jdk]");
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        Path work = Files.createTempDirectory("kaged-session-bench");
        SessionBench bench = new SessionBench(work, mb, sessions, catRounds, sets);
        try {
            bench.run();
        } finally {
            if (bench.daemon != null) {
                bench.daemon.close();
            }
        }
    }

    /** One round of cat: MiB/s through a session and through bare pty4j. */
    private record CatRound(double session, double bare) {
        double ratio() {
            return session / bare;
        }
    }

    private void run() throws Exception {
        List<Result> results = new ArrayList<>();
        for (FlagSet set : flagSets) {
            System.out.printf(Locale.ROOT, "%n== the daemon on %s (%s)%n", set.description(), set.name());
            results.add(measure(set));
            daemon.close();
            daemon = null;
        }
        System.out.println();
        System.out.println(
                "| JVM flags | start to healthy: new store; restarts (ms) | RSS idle (MiB) | threads idle | RSS "
                        + sessions + " sessions (MiB) | per session (KiB) | threads | cat " + catMegabytes
                        + " MiB: session / bare pty4j, cold | same, round " + catRounds
                        + " | attach 1 MiB scrollback, median (ms) |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            CatRound cold = r.rounds().get(0);
            CatRound warm = r.rounds().get(r.rounds().size() - 1);
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %d; %d, %d | %.1f | %d | %.1f | %.0f | %d | %.2f (%.0f / %.0f MiB/s) | %.2f (%.0f / %.0f MiB/s) | %d |%n",
                    r.set().name(),
                    r.starts().get(0),
                    r.starts().get(1),
                    r.starts().get(2),
                    r.idleKb() / 1024.0,
                    r.idleThreads(),
                    r.busyKb() / 1024.0,
                    (r.busyKb() - r.idleKb()) / (double) sessions,
                    r.busyThreads(),
                    cold.ratio(),
                    cold.session(),
                    cold.bare(),
                    warm.ratio(),
                    warm.session(),
                    warm.bare(),
                    r.attach().get(r.attach().size() / 2));
        }
        if (results.size() == 2) {
            Result a = results.get(0);
            Result b = results.get(1);
            System.out.printf(
                    Locale.ROOT,
                    "%n%s / %s in this run: restart to healthy %.2f, RSS idle %.2f, RSS with %d sessions %.2f,"
                            + " cat ratio cold %.2f, round %d %.2f%n",
                    a.set().name(),
                    b.set().name(),
                    (a.starts().get(1) + a.starts().get(2))
                            / (double) (b.starts().get(1) + b.starts().get(2)),
                    a.idleKb() / (double) b.idleKb(),
                    sessions,
                    a.busyKb() / (double) b.busyKb(),
                    a.rounds().get(0).ratio() / b.rounds().get(0).ratio(),
                    catRounds,
                    a.rounds().get(catRounds - 1).ratio()
                            / b.rounds().get(catRounds - 1).ratio());
        }
    }

    private Result measure(FlagSet set) throws Exception {
        Path home = work.resolve("home-" + set.name());
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // The first start creates and migrates a store (and, first after a build, records the class-data
            // archive); the others restart on that store, as an operator's daemon does every time after.
            daemon = BenchDaemon.start(home, work.resolve(set.name() + "-start-" + i + ".log"), set.env());
            long ms = daemon.startMillis();
            starts.add(ms);
            System.out.printf(
                    Locale.ROOT,
                    "start to healthy #%d: %d ms%s%n",
                    i + 1,
                    ms,
                    i == 0 ? " (new store: creates and migrates it)" : " (restart on that store)");
            if (i < 2) {
                daemon.close();
            }
        }
        Thread.sleep(5000);
        long idle = daemon.rssKb();
        long idleThreads = daemon.threads();
        System.out.printf(Locale.ROOT, "daemon RSS idle: %.1f MiB, %d threads%n", idle / 1024.0, idleThreads);

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            ids.add(create(List.of("/bin/sh"), "shell-" + i));
        }
        for (String id : ids) {
            waitFor(id, "running");
        }
        Thread.sleep(5000);
        long busy = daemon.rssKb();
        long busyThreads = daemon.threads();
        System.out.printf(
                Locale.ROOT,
                "daemon RSS with %d live sessions: %.1f MiB (%.0f KiB per session), %d threads%n",
                sessions,
                busy / 1024.0,
                (busy - idle) / (double) sessions,
                busyThreads);
        for (String id : ids) {
            daemon.call("DELETE", "/v1/sessions/" + id + "?purge=true", null);
        }

        // Round 1 is cold: the daemon's JIT compiles the output path while it runs (seconds of a core).
        // Later rounds show the long-running daemon an operator has; both sides run every round.
        Path big = bigFile(catMegabytes);
        List<CatRound> rounds = new ArrayList<>();
        for (int r = 1; r <= catRounds; r++) {
            double bare = barePty(big);
            double session = throughSession(big, r);
            rounds.add(new CatRound(session, bare));
            System.out.printf(
                    Locale.ROOT,
                    "cat %d MiB, round %d%s: bare pty4j %.1f MiB/s, through a session %.1f MiB/s, ratio %.2f%n",
                    catMegabytes,
                    r,
                    r == 1 ? " (cold)" : "",
                    bare,
                    session,
                    session / bare);
        }

        List<Long> attach = attachLatency(big);
        Collections.sort(attach);
        System.out.printf(
                Locale.ROOT,
                "attach to last byte of %s scrollback: median %d ms, max %d ms (%d tries)%n",
                "1 MiB",
                attach.get(attach.size() / 2),
                attach.get(attach.size() - 1),
                attach.size());
        return new Result(set, starts, idle, idleThreads, busy, busyThreads, rounds, attach);
    }

    private String create(List<String> command, String name) throws Exception {
        return daemon.call("POST", "/v1/sessions", Map.of("command", command, "name", name))
                .get("id")
                .asText();
    }

    private JsonNode waitFor(String id, String state) throws Exception {
        while (true) {
            JsonNode s = daemon.call("GET", "/v1/sessions/" + id, null);
            if (s.get("state").asText().equals(state)) {
                return s;
            }
            Thread.sleep(10);
        }
    }

    private Path bigFile(int megabytes) throws IOException {
        Path file = work.resolve("big.txt");
        byte[] line = "kaged session throughput benchmark line 0123456789abcdefghijklmnopqrstuvwxyz\n"
                .getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = Files.newOutputStream(file)) {
            long target = megabytes * 1024L * 1024L;
            byte[] block = new byte[line.length * 1024];
            for (int i = 0; i < 1024; i++) {
                System.arraycopy(line, 0, block, i * line.length, line.length);
            }
            for (long written = 0; written < target; written += block.length) {
                out.write(block);
            }
        }
        return file;
    }

    /** MiB/s of the file's bytes read through a bare pty4j process running cat. */
    private static double barePty(Path file) throws Exception {
        long t0 = System.nanoTime();
        PtyProcess p = new PtyProcessBuilder(new String[] {"cat", file.toString()})
                .setConsole(false)
                .start();
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        try (InputStream in = p.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
            }
        } catch (IOException endOfPty) {
            // EIO at the end of a pty's output
        }
        p.waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "bare pty4j: %d bytes out in %.2f s%n", total, seconds);
        return Files.size(file) / 1048576.0 / seconds;
    }

    /** MiB/s of the file's bytes through a session, from creation until its exit is recorded. */
    private double throughSession(Path file, int round) throws Exception {
        long t0 = System.nanoTime();
        String id = create(List.of("cat", file.toString()), "cat-" + round);
        JsonNode done = waitFor(id, "exited");
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "session: exit %s after %.2f s, transcript kept %d bytes%n",
                done.get("exitCode").asText(),
                seconds,
                done.get("transcriptBytes").asLong());
        return Files.size(file) / 1048576.0 / seconds;
    }

    private List<Long> attachLatency(Path big) throws Exception {
        String id = create(List.of("/bin/sh", "-c", "head -c 1048576 " + big + "; exec sleep 3600"), "scrollback");
        // Wait until all output is recorded and the scrollback bound has settled.
        long kept = -1;
        long previous = -2;
        while (kept != previous || kept < 500_000) {
            previous = kept;
            Thread.sleep(1000);
            kept = daemon.call("GET", "/v1/sessions/" + id, null)
                    .get("transcriptBytes")
                    .asLong();
        }
        System.out.printf(Locale.ROOT, "scrollback of the attach test: %d bytes%n", kept);
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            AtomicLong received = new AtomicLong();
            CompletableFuture<Long> done = new CompletableFuture<>();
            long target = kept;
            long t0 = System.nanoTime();
            WebSocket ws = HTTP.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + daemon.token())
                    .buildAsync(
                            URI.create(
                                    "ws://127.0.0.1:" + daemon.port() + "/v1/sessions/" + id + "/attach?readOnly=true"),
                            new WebSocket.Listener() {
                                @Override
                                public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                                    if (received.addAndGet(data.remaining()) >= target) {
                                        done.complete(System.nanoTime());
                                    }
                                    w.request(1);
                                    return null;
                                }
                            })
                    .get(10, TimeUnit.SECONDS);
            long end;
            try {
                end = done.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("attach received " + received.get() + " of " + target + " bytes", e);
            }
            times.add(TimeUnit.NANOSECONDS.toMillis(end - t0));
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bench").join();
        }
        daemon.call("DELETE", "/v1/sessions/" + id + "?purge=true", null);
        return times;
    }
}
