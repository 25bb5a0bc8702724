package io.kaged.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.daemon.client.DaemonClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real daemon in a child JVM, started as operators start it ({@code bin/kaged serve}), and a small
 * HTTP client for it. The benchmarks measure this process, not the one running them.
 */
final class BenchDaemon implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final int port;
    private final String token;
    private final long startMillis;

    private BenchDaemon(Process process, int port, String token, long startMillis) {
        this.process = process;
        this.port = port;
        this.token = token;
        this.startMillis = startMillis;
    }

    /**
     * Starts {@code bin/kaged serve} on {@code home} (the SQLite default unless {@code env} names a store)
     * and waits until it is healthy; its log goes to {@code log}.
     */
    static BenchDaemon start(Path home, Path log, Map<String, String> env) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(
                        System.getProperty("kaged.launcher", "bin/kaged"), "serve", "--port", String.valueOf(port))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("KAGED_HOME", home.toString());
        pb.environment().remove("KAGED_DATABASE_URL");
        // A null value removes the variable (a benchmark that compares flag sets runs bin/kaged's own).
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        long t0 = System.nanoTime();
        Process daemon = pb.start();
        while (true) {
            try {
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!daemon.isAlive()) {
                throw new IllegalStateException("the daemon exited; see " + log);
            }
            Thread.sleep(5);
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        return new BenchDaemon(
                daemon, port, Files.readString(home.resolve("auth-token")).trim(), ms);
    }

    long startMillis() {
        return startMillis;
    }

    int port() {
        return port;
    }

    String token() {
        return token;
    }

    long pid() {
        return process.pid();
    }

    HttpRequest request(String method, String path, Object body) throws IOException {
        return DaemonClient.request(URI.create("http://127.0.0.1:" + port + path), token, method, body)
                .build();
    }

    /** The answer's JSON; any status from 300 up is an exception naming it. */
    JsonNode call(String method, String path, Object body) throws Exception {
        HttpResponse<String> resp = HTTP.send(request(method, path, body), HttpResponse.BodyHandlers.ofString());
        return checked(method, path, resp);
    }

    CompletableFuture<JsonNode> callAsync(String method, String path, Object body) throws IOException {
        return HTTP.sendAsync(request(method, path, body), HttpResponse.BodyHandlers.ofString())
                .thenApply(resp -> checked(method, path, resp));
    }

    private static JsonNode checked(String method, String path, HttpResponse<String> resp) {
        if (resp.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " -> " + resp.statusCode() + " " + resp.body());
        }
        try {
            return JSON.readTree(resp.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " answered no JSON", e);
        }
    }

    long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for the daemon");
    }

    /** The daemon's threads, from {@code /proc}. */
    long threads() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("Threads:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no Threads for the daemon");
    }

    /** CPU time the daemon's JIT compiler threads have used so far (user + system), in milliseconds. */
    long compilerMillis() throws IOException {
        long millis = 0;
        try (var tasks = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                        millis += ticksMillis(Files.readString(task.resolve("stat")));
                    }
                } catch (IOException gone) {
                    // a compiler thread the JVM stopped in between has nothing left to count
                }
            }
        }
        return millis;
    }

    /** The daemon's garbage collections so far, of every collector, from its {@code /metrics}. */
    Collections collections() throws Exception {
        HttpResponse<String> resp = HTTP.send(request("GET", "/metrics", null), HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200) {
            throw new IllegalStateException("GET /metrics -> " + resp.statusCode());
        }
        long count = 0;
        double seconds = 0;
        for (String line : resp.body().split("\n")) {
            if (line.startsWith("jvm_gc_collection_seconds_count{")) {
                count += Math.round(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            } else if (line.startsWith("jvm_gc_collection_seconds_sum{")) {
                seconds += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return new Collections(count, seconds * 1000);
    }

    /** How many garbage collections, and the milliseconds they paused the daemon for. */
    record Collections(long count, double millis) {
        Collections since(Collections before) {
            return new Collections(count - before.count, millis - before.millis);
        }
    }

    /** CPU time the daemon has used so far (user + system), in milliseconds. */
    long cpuMillis() throws IOException {
        return ticksMillis(Files.readString(Path.of("/proc/" + process.pid() + "/stat")));
    }

    /** utime + stime of a /proc stat line, in milliseconds (100 ticks a second). */
    private static long ticksMillis(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields 14 and 15 of stat (utime, stime), counted from the state field (3) here
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    }

    /** Bytes of live objects on the daemon's heap, after the full GC that a class histogram runs first. */
    long liveHeapBytes() throws Exception {
        Process jcmd = new ProcessBuilder("jcmd", String.valueOf(process.pid()), "GC.class_histogram")
                .redirectErrorStream(true)
                .start();
        String out = new String(jcmd.getInputStream().readAllBytes());
        jcmd.waitFor(60, TimeUnit.SECONDS);
        for (String line : out.split("\n")) {
            if (line.startsWith("Total")) {
                String[] parts = line.trim().split("\\s+");
                return Long.parseLong(parts[2]);
            }
        }
        throw new IllegalStateException("jcmd gave no class histogram: " + out);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
