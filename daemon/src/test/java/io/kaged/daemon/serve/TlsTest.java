package io.kaged.daemon.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.daemon.cli.Cli;
import io.kaged.daemon.config.ConfigLoader;
import io.kaged.http.tls.PinnedTrust;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * TLS on the API's port, with certificates made by openssl as an operator would: the API, the console's
 * cookie, kaged's own CLI (which trusts exactly the configured certificate) and a run calling back with
 * curl; and the start refused, with what to do, when the API would listen beyond loopback in clear or the
 * PEM files are wrong.
 */
class TlsTest {

    @TempDir
    Path home;

    @TempDir
    Path certs;

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void theApiTheConsoleTheCliAndRunsSpeakTlsWithTheConfiguredCertificate(TestEngine engine) throws Exception {
        Path cert = certs.resolve("cert.pem");
        Path key = certs.resolve("key.pem");
        openssl(
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=kaged.test",
                "-addext",
                "subjectAltName=DNS:kaged.test,IP:127.0.0.1",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString());
        String config = "kaged.http.tls { certificate = \"" + cert + "\", private-key = \"" + key + "\" }\n";
        try (TestDaemon daemon = new TestDaemon(engine, home, config)) {
            String base = "https://127.0.0.1:" + daemon.daemon.port();
            HttpClient https = HttpClient.newBuilder()
                    .sslContext(PinnedTrust.context(cert))
                    .build();
            HttpResponse<String> health = https.send(
                    HttpRequest.newBuilder(URI.create(base + "/v1/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            HttpClient plain = HttpClient.newHttpClient();
            assertThrows(
                    IOException.class,
                    () -> plain.send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + daemon.daemon.port() + "/v1/health"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()),
                    "plain HTTP gets no answer on a TLS port");

            HttpResponse<String> login = https.send(
                    HttpRequest.newBuilder(URI.create(base + "/v1/console/login"))
                            .header("Content-Type", "application/json")
                            .header("Origin", base)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + daemon.token() + "\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, login.statusCode(), login.body());
            String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(cookie.contains("Secure") && cookie.contains("HttpOnly"), cookie);

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = Cli.commandLine(daemon.env());
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            assertEquals(0, cli.execute("status"), err.toString());
            assertTrue(out.toString().contains(base), out.toString());

            // A run calls back over TLS as an agent would, trusting the certificate kaged names.
            String run = json(https.send(
                            HttpRequest.newBuilder(URI.create(base + "/v1/runs"))
                                    .header("Authorization", "Bearer " + daemon.token())
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"command\":[\"sh\",\"-c\","
                                            + "\"curl -sS --cacert \\\"$KAGED_CA_CERT\\\" -H \\\"Authorization: Bearer"
                                            + " $KAGED_TOKEN\\\" \\\"$KAGED_URL/v1/runs/$KAGED_RUN_ID\\\"\"]}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()))
                    .get("id")
                    .asText();
            Eventually.waitFor(TestDaemon.WAIT, "the run's call back over TLS", () -> {
                HttpResponse<String> output = https.send(
                        HttpRequest.newBuilder(URI.create(base + "/v1/runs/" + run + "/output"))
                                .header("Authorization", "Bearer " + daemon.token())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                return output.body().contains("\"id\":\"" + run + "\"");
            });
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aStartThatWouldListenBeyondLoopbackInClearOrWithWrongFilesIsRefusedWithWhatToDo(TestEngine engine)
            throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("KAGED_HOME", home.toString());
        env.put("KAGED_DATABASE_URL", TestDatabases.newStoreUrl(engine, home));
        env.put("KAGED_HTTP_HOST", "0.0.0.0");
        DaemonStartException clear =
                assertThrows(DaemonStartException.class, () -> Daemon.start(ConfigLoader.load(env, null), 0));
        assertTrue(clear.getMessage().contains("kaged.http.tls.required = false"), clear.getMessage());

        Files.writeString(home.resolve("kaged.conf"), "kaged.http.tls.required = false\n");
        Daemon open = Daemon.start(ConfigLoader.load(env, null), 0);
        open.stop();

        Path cert = certs.resolve("a.pem");
        Path key = certs.resolve("a-key.pem");
        Path otherKey = certs.resolve("b-key.pem");
        Path pkcs1 = certs.resolve("rsa-pkcs1.pem");
        openssl(
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=a",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString());
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", otherKey.toString());
        openssl("genrsa", "-traditional", "-out", pkcs1.toString(), "2048");
        env.put("KAGED_HTTP_TLS_CERTIFICATE", cert.toString());
        for (Map.Entry<Path, String> wrong : Map.of(
                        otherKey,
                        "is not the key of the certificate",
                        pkcs1,
                        "openssl pkcs8 -topk8 -nocrypt",
                        certs.resolve("missing.pem"),
                        "does not exist")
                .entrySet()) {
            env.put("KAGED_HTTP_TLS_PRIVATE_KEY", wrong.getKey().toString());
            DaemonStartException e =
                    assertThrows(DaemonStartException.class, () -> Daemon.start(ConfigLoader.load(env, null), 0));
            assertTrue(e.getMessage().contains(wrong.getValue()), e.getMessage());
        }
        env.put("KAGED_HTTP_TLS_PRIVATE_KEY", key.toString());
        Daemon tls = Daemon.start(ConfigLoader.load(env, null), 0);
        tls.stop();
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        assertTrue(response.statusCode() < 300, response.body());
        return TestDaemon.JSON.readTree(response.body());
    }

    private static void openssl(String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("openssl"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "openssl " + String.join(" ", args) + ": " + output);
    }
}
