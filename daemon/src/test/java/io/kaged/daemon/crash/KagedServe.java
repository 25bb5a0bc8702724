package io.kaged.daemon.crash;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code kaged serve} as an operator starts it: {@code java -jar kaged.jar serve} with the JVM flags of
 * {@code bin/kaged}, a {@code KAGED_HOME}, a port and a store URL in the environment, in a process of its
 * own that the test can kill with SIGKILL and start again on the same home, port and store.
 */
final class KagedServe implements AutoCloseable {

    private static final Duration START_LIMIT = Duration.ofSeconds(90);

    private final String name;
    private final Path home;
    private final int port;
    private final String databaseUrl;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private int starts;

    /**
     * @param name names the folder its logs are kept in
     * @param databaseUrl KAGED_DATABASE_URL, or null for the default SQLite file in the home
     */
    KagedServe(String name, Path home, String databaseUrl) throws IOException {
        this.name = name;
        this.home = home;
        this.port = freePort();
        this.databaseUrl = databaseUrl;
    }

    /** The jar made by the shade plugin at package; failsafe passes its path. */
    static Path jar() {
        Path jar = Path.of(System.getProperty("kaged.jar", "target/kaged.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar.toAbsolutePath() + " is missing: these tests run after package (mvn verify), on the built jar");
        }
        return jar;
    }

    int port() {
        return port;
    }

    Path home() {
        return home;
    }

    /** Starts the daemon and waits until it answers its health check. */
    void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the daemon is already running");
        }
        starts++;
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off"));
        ClassDataArchive.flag().ifPresent(command::add);
        command.addAll(List.of("-jar", jar().toString(), "serve"));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("KAGED_"));
        env.put("KAGED_HOME", home.toString());
        env.put("KAGED_HTTP_PORT", String.valueOf(port));
        if (databaseUrl != null) {
            env.put("KAGED_DATABASE_URL", databaseUrl);
        }
        pb.redirectErrorStream(true);
        pb.redirectOutput(log(starts).toFile());
        process = pb.start();
        awaitHealthy();
    }

    private void awaitHealthy() throws InterruptedException {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(
                        "kaged serve exited with " + process.exitValue() + " while starting:\n" + logTail());
            }
            if (healthy()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("kaged serve did not answer /v1/health within " + START_LIMIT + ":\n" + logTail());
    }

    boolean healthy() {
        try {
            HttpResponse<Void> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/health"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL to the daemon's JVM: no shutdown hook, no flush, no goodbye. */
    void kill9() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL on Linux
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("kaged serve (pid " + process.pid() + ") survived SIGKILL for 30 s");
        }
    }

    /** SIGTERM, as systemd stops it; SIGKILL if it does not stop within 30 s. */
    void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill9();
        }
    }

    int starts() {
        return starts;
    }

    private Path log(int start) {
        return home.resolve("serve-" + start + ".log");
    }

    /** The end of the current start's log, for failure messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log(starts));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Lines of every start's log that match {@code needle}, for the report of a failure. */
    List<String> logLines(String needle) {
        List<String> found = new ArrayList<>();
        for (int i = 1; i <= starts; i++) {
            try {
                for (String line : Files.readAllLines(log(i))) {
                    if (line.contains(needle)) {
                        found.add("serve-" + i + ": " + line);
                    }
                }
            } catch (IOException ignored) {
                // a start whose log is gone has nothing to add
            }
        }
        return found;
    }

    /**
     * Stops the daemon if it still runs, and keeps its logs under {@code kaged.crash.logs} (set by the
     * build to target/crash-logs), since the home is a temporary folder.
     */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill9();
        }
        String keep = System.getProperty("kaged.crash.logs");
        if (keep != null) {
            try {
                Path dir = Files.createDirectories(Path.of(keep, name));
                for (int i = 1; i <= starts; i++) {
                    if (Files.exists(log(i))) {
                        Files.copy(log(i), dir.resolve(log(i).getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            } catch (IOException e) {
                System.err.println("could not keep the daemon's logs: " + e);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
