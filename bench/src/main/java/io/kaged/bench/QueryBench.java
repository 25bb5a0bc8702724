package io.kaged.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.bench.fill.FillOptions;
import io.kaged.bench.fill.StoreFiller;
import io.kaged.daemon.config.ConfigLoader;
import io.kaged.daemon.config.LoadedConfig;
import io.kaged.persistence.store.Engine;
import io.kaged.persistence.store.StorageSettings;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The query benchmark of issue #5: a store filled with {@link StoreFiller} (100,000 runs, 1,000,000 audit
 * rows by default), the real daemon on it ({@code bin/kaged serve}, a child JVM), and one request at a
 * time over HTTP with the token: after a warm-up, p50, p99 and max latency of each query, from sending
 * the request to the last byte of the answer. Each round starts the daemon afresh on the same store.
 */
public final class QueryBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final int PAGE = 100;
    private static final double TARGET_P99_MS = 50;

    /** One measured query; {@code target} marks the ones issue #5 sets a p99 target for. */
    record Query(String name, String path, boolean target) {}

    /**
     * @param cpuMillis the daemon's CPU time (all its threads) per measured request: unlike latency, it
     *     hardly changes when other processes compete for the cores
     */
    record Measured(Engine engine, int round, Query query, Latencies latencies, double cpuMillis, int items) {}

    private final QueryBenchOptions options;
    private final QueryStores stores;

    private QueryBench(QueryBenchOptions options, QueryStores stores) {
        this.options = options;
        this.stores = stores;
    }

    public static void main(String[] args) {
        LoggerFactory.getILoggerFactory();
        QueryBenchOptions options;
        try {
            options = QueryBenchOptions.parse(args);
        } catch (Flags.UsageException e) {
            if (e.getMessage() != null) {
                System.err.println("error: " + e.getMessage());
            }
            System.err.print(QueryBenchOptions.USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        List<Measured> results = new ArrayList<>();
        long start = System.nanoTime();
        try (QueryStores stores = QueryStores.open(options.work())) {
            System.out.printf(
                    Locale.ROOT,
                    "kaged query benchmark: Java %s, %d cores, load average %s, work folder %s%n",
                    System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(),
                    loadAverage(),
                    stores.dir());
            System.out.printf(Locale.ROOT, "options: %s%n%n", options);
            QueryBench bench = new QueryBench(options, stores);
            for (Engine engine : options.engines()) {
                results.addAll(bench.run(engine));
            }
        } catch (Exception e) {
            System.err.println("benchmark failed: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
        }
        printTable(results);
        printVerdicts(results);
        System.out.printf(
                Locale.ROOT,
                "%nLoad average at the end: %s. Total run time: %.0f s%n",
                loadAverage(),
                (System.nanoTime() - start) / 1e9);
        System.exit(0);
    }

    private List<Measured> run(Engine engine) throws Exception {
        String label = "[" + engine.label() + "]";
        String url = stores.url(engine);
        Path home = stores.home(engine);
        if (engine == Engine.POSTGRESQL) {
            System.out.println(label + " server: " + stores.postgresVersion());
        }
        fillUnlessFilled(label, url, home);
        List<Measured> measured = new ArrayList<>();
        List<Query> queries = null;
        for (int round = 1; round <= options.rounds(); round++) {
            Path log = home.resolve("daemon-" + round + ".log");
            try (BenchDaemon daemon = BenchDaemon.start(home, log, Map.of("KAGED_DATABASE_URL", url))) {
                System.out.printf(
                        Locale.ROOT,
                        "%s round %d: daemon pid %d healthy after %d ms (log %s)%n",
                        label,
                        round,
                        daemon.pid(),
                        daemon.startMillis(),
                        log);
                if (queries == null) {
                    queries = queries(daemon);
                }
                warmUp(daemon, queries);
                for (Query q : queries) {
                    Measured m = measure(engine, round, daemon, q);
                    measured.add(m);
                    System.out.printf(
                            Locale.ROOT,
                            "%s round %d: %-30s p50 %6.1f  p99 %6.1f  max %6.1f ms, daemon CPU %5.1f ms/request"
                                    + " (%d items)%n",
                            label,
                            round,
                            q.name(),
                            m.latencies().millis(0.50),
                            m.latencies().millis(0.99),
                            m.latencies().maxMillis(),
                            m.cpuMillis(),
                            m.items());
                }
            }
        }
        return measured;
    }

    /** Fills an empty store; a kept, filled one (same sizes) is measured as it is. */
    private void fillUnlessFilled(String label, String url, Path home) throws Exception {
        LoadedConfig loaded = ConfigLoader.load(Map.of("KAGED_HOME", home.toString(), "KAGED_DATABASE_URL", url), null);
        StorageSettings storage = StorageSettings.fromConfig(loaded.config(), loaded.env());
        try (StoreFiller filler = StoreFiller.open(loaded.config(), storage)) {
            long held = filler.runs();
            if (held == options.runs()) {
                System.out.printf(
                        Locale.ROOT, "%s the store already holds %,d runs: measuring it as it is%n", label, held);
                return;
            }
            if (held != 0) {
                throw new IllegalStateException("the store " + storage.target().masked() + " holds " + held
                        + " runs, not " + options.runs() + "; delete the work folder or choose another --work");
            }
            filler.fill(
                    new FillOptions(
                            options.runs(),
                            options.sessions(),
                            options.audit(),
                            6,
                            Instant.now().truncatedTo(ChronoUnit.MINUTES),
                            5,
                            256,
                            false),
                    System.out);
        }
    }

    /** The measured queries; the cursors are ids read through the API itself. */
    private List<Query> queries(BenchDaemon daemon) throws Exception {
        int runs = options.runs();
        int audit = options.audit();
        int lastRunPage = Math.max(1, runs / PAGE);
        String deepRun = idAt(daemon, "/v1/runs", Math.max(0, runs - PAGE - 1));
        String middleRun = idAt(daemon, "/v1/runs", runs / 2);
        String deepAudit = idAt(daemon, "/v1/audit", Math.max(0, audit - PAGE - 1));
        int offset = Math.max(0, runs - PAGE);
        return List.of(
                new Query("runs, newest first", "/v1/runs?order=desc&limit=100", false),
                new Query("runs, state+project filter", "/v1/runs?state=failed&project=p3&limit=100", true),
                new Query(
                        String.format(Locale.ROOT, "runs, cursor page %,d", lastRunPage),
                        "/v1/runs?after=" + deepRun + "&limit=100",
                        true),
                new Query(
                        String.format(Locale.ROOT, "runs, offset page %,d", lastRunPage),
                        "/v1/runs?offset=" + offset + "&limit=100",
                        false),
                new Query(
                        "runs, filter + mid cursor",
                        "/v1/runs?state=failed&project=p3&after=" + middleRun + "&limit=100",
                        true),
                new Query("audit, kind=run.dispatch", "/v1/audit?kind=run.dispatch&limit=100", true),
                new Query(
                        String.format(Locale.ROOT, "audit, cursor page %,d", Math.max(1, audit / PAGE)),
                        "/v1/audit?cursor=" + deepAudit + "&limit=100",
                        true),
                new Query("stats", "/v1/stats", true),
                new Query("stats by project", "/v1/stats?byProject=true", false));
    }

    /** The id at {@code offset} in the list's default order (read once, by offset). */
    private static String idAt(BenchDaemon daemon, String list, int offset) throws Exception {
        JsonNode page = daemon.call("GET", list + "?limit=1&offset=" + offset, null);
        JsonNode items = page.get("items");
        if (items.isEmpty()) {
            throw new IllegalStateException(list + " has no item at offset " + offset);
        }
        return items.get(0).get("id").asText();
    }

    /**
     * Sends every query in turn for a while, so the daemon's JIT has compiled the shared paths (HTTP,
     * JSON, JDBC) before the first query is measured: otherwise that query alone pays for it.
     */
    private void warmUp(BenchDaemon daemon, List<Query> queries) throws Exception {
        long end = System.nanoTime() + options.warmupSeconds() * 1_000_000_000L;
        int rounds = 0;
        while (System.nanoTime() < end) {
            for (Query q : queries) {
                send(daemon.request("GET", q.path(), null), q);
            }
            rounds++;
        }
        System.out.printf(Locale.ROOT, "  warm-up: every query %d times in %d s%n", rounds, options.warmupSeconds());
    }

    private Measured measure(Engine engine, int round, BenchDaemon daemon, Query q) throws Exception {
        HttpRequest request = daemon.request("GET", q.path(), null);
        for (int i = 0; i < options.warmup(); i++) {
            send(request, q);
        }
        List<Long> nanos = new ArrayList<>(options.requests());
        byte[] last = null;
        long cpu0 = daemon.cpuMillis();
        for (int i = 0; i < options.requests(); i++) {
            long t0 = System.nanoTime();
            last = send(request, q);
            nanos.add(System.nanoTime() - t0);
        }
        double cpu = (daemon.cpuMillis() - cpu0) / (double) options.requests();
        JsonNode body = JSON.readTree(last);
        int items = body.has("items") ? body.get("items").size() : 0;
        return new Measured(engine, round, q, Latencies.of(nanos), cpu, items);
    }

    private static byte[] send(HttpRequest request, Query q) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + q.path() + " -> " + r.statusCode() + " "
                    + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return r.body();
    }

    private static void printTable(List<Measured> results) {
        System.out.println();
        System.out.println("| engine | query | round | p50 ms | p99 ms | max ms | daemon CPU ms/req | items |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
        for (Measured m : results) {
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %s `%s` | %d | %.1f | %.1f | %.1f | %.1f | %d |%n",
                    m.engine().label(),
                    m.query().name(),
                    m.query().path().replaceAll("=[0-9a-f-]{36}", "=<id>"),
                    m.round(),
                    m.latencies().millis(0.50),
                    m.latencies().millis(0.99),
                    m.latencies().maxMillis(),
                    m.cpuMillis(),
                    m.items());
        }
    }

    /** Target: p99 under 50 ms on SQLite, in every round. */
    private static void printVerdicts(List<Measured> results) {
        System.out.println();
        for (Measured first : results) {
            if (first.engine() != Engine.SQLITE
                    || first.round() != 1
                    || !first.query().target()) {
                continue;
            }
            double worst = results.stream()
                    .filter(m -> m.engine() == Engine.SQLITE && m.query().equals(first.query()))
                    .mapToDouble(m -> m.latencies().millis(0.99))
                    .max()
                    .orElseThrow();
            System.out.printf(
                    Locale.ROOT,
                    "target p99 < %.0f ms on SQLite, %s: worst p99 %.1f ms -> %s%n",
                    TARGET_P99_MS,
                    first.query().name(),
                    worst,
                    worst < TARGET_P99_MS ? "met" : "NOT MET");
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
