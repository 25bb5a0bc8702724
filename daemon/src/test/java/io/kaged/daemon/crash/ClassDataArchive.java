package io.kaged.daemon.crash;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The class-data-sharing archive {@code bin/kaged} records before an operator's first start, recorded the
 * same way once per test JVM (a short start on a throwaway store, stopped gracefully so the JVM writes
 * it): every later start maps it, as an operator's does, which halves the time to healthy.
 */
final class ClassDataArchive {

    private static Optional<String> flag;

    private ClassDataArchive() {}

    /** {@code -XX:SharedArchiveFile=...}, or empty if no archive could be recorded. */
    static synchronized Optional<String> flag() {
        if (flag == null) {
            flag = record();
        }
        return flag;
    }

    private static Optional<String> record() {
        try {
            Path dir = Files.createTempDirectory("kaged-cds");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            Path archive = dir.resolve("kaged.jsa");
            Path home = Files.createDirectories(dir.resolve("home"));
            int port;
            try (var s = new java.net.ServerSocket(0)) {
                port = s.getLocalPort();
            }
            ProcessBuilder pb = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xlog:cds=off",
                    "-Xlog:cds+dynamic=off",
                    "-XX:ArchiveClassesAtExit=" + archive,
                    "-jar",
                    KagedServe.jar().toString(),
                    "serve"));
            pb.environment().keySet().removeIf(k -> k.startsWith("KAGED_"));
            pb.environment().put("KAGED_HOME", home.toString());
            pb.environment().put("KAGED_HTTP_PORT", String.valueOf(port));
            pb.redirectErrorStream(true);
            pb.redirectOutput(dir.resolve("training.log").toFile());
            Process p = pb.start();
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (p.isAlive() && System.nanoTime() < deadline) {
                try {
                    if (http.send(
                                            HttpRequest.newBuilder(
                                                            URI.create("http://127.0.0.1:" + port + "/v1/health"))
                                                    .timeout(Duration.ofSeconds(2))
                                                    .build(),
                                            HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
            return Files.size(archive) > 0 ? Optional.of("-XX:SharedArchiveFile=" + archive) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder: the system cleans it up if this cannot
        }
    }
}
