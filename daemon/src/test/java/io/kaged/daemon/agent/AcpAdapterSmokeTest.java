package io.kaged.daemon.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.daemon.cli.Cli;
import io.kaged.daemon.serve.TestDaemon;
import io.kaged.persistence.testing.TestEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * A real ACP adapter, {@code @zed-industries/codex-acp} from npm (its native binary comes as an optional
 * dependency for the platform), installed with {@code npm ci} from the package.json and package-lock.json in
 * {@code src/test/resources/acp-adapter}, and run under kaged as an ACP run without an API key: its
 * {@code initialize} answers offline, and its {@code session/new} refuses with "Authentication required". kaged
 * must show the agent's info and auth methods and that refusal as a failed run with its reason, on the run's
 * events, its conversation and {@code kaged agent show}, and go on serving. Needs {@code npm} and the npm
 * registry (or npm's cache); without them the test fails, it does not skip.
 */
class AcpAdapterSmokeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The adapter's entry point once installed: a node script that starts the platform's binary. */
    private static Path adapter;

    private static String version;

    @TempDir
    Path home;

    /** The agent's workspace, outside the kaged home: an ACP run is sandboxed, and a sandbox refuses a cwd there. */
    @TempDir
    Path outside;

    private TestDaemon kaged;

    @BeforeAll
    static void install() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "acp-adapter").toAbsolutePath());
        for (String file : List.of("package.json", "package-lock.json")) {
            try (InputStream in = AcpAdapterSmokeTest.class.getResourceAsStream("/acp-adapter/" + file)) {
                Files.copy(in, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        npm.getOutputStream().close();
        String said = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(npm.waitFor(10, TimeUnit.MINUTES), "npm ci did not end in 10 minutes");
        assertEquals(0, npm.exitValue(), "npm ci in " + dir + " failed:\n" + said);
        adapter = dir.resolve("node_modules/.bin/codex-acp");
        assertTrue(Files.isExecutable(adapter), adapter + " is missing after npm ci:\n" + said);
        version = JSON.readTree(dir.resolve("node_modules/@zed-industries/codex-acp/package.json")
                        .toFile())
                .get("version")
                .asText();
    }

    @AfterEach
    void stop() {
        if (kaged != null) {
            kaged.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void anAdapterWithoutAKeyShowsItselfAndItsLoginRefusalAsAFailedRun(TestEngine engine) throws Exception {
        kaged = new TestDaemon(engine, home, "");
        Path work = Files.createDirectories(outside.resolve("work"));
        // no key from the environment the tests run in, and a Codex home of its own: no login of the host's
        List<String> command = new ArrayList<>(List.of("env", "-u", "OPENAI_API_KEY", "-u", "CODEX_API_KEY"));
        command.add(adapter.toString());
        String run = kaged.json(
                        "POST",
                        "/v1/runs",
                        JSON.writeValueAsString(Map.of(
                                "command",
                                command,
                                "cwd",
                                work.toString(),
                                "env",
                                Map.of(
                                        "CODEX_HOME",
                                        Files.createDirectories(work.resolve(".codex"))
                                                .toString()),
                                "acp",
                                Map.of("prompt", "Say hello"))),
                        201)
                .get("id")
                .asText();
        kaged.awaitState(run, "failed");

        String events = kaged.call("GET", "/v1/runs/" + run + "/events?follow=false", null)
                .body();
        JsonNode failed = eventData(events, "AgentSetupFailed");
        assertEquals("session/new", failed.path("step").asText(), failed.toString());
        assertTrue(failed.path("reason").asText().contains("Authentication required"), failed.toString());
        assertEquals("codex-acp", failed.path("agent").path("name").asText(), failed.toString());
        assertTrue(failed.path("authMethods").toString().contains("OPENAI_API_KEY"), failed.toString());
        assertTrue(!events.contains("event:AgentConnected"), "no session was opened: " + events);

        JsonNode agent = kaged.json("GET", "/v1/runs/" + run + "/conversation", null, 200)
                .get("agent");
        assertEquals("codex-acp", agent.path("info").path("name").asText(), agent.toString());
        assertEquals(version, agent.path("info").path("version").asText(), agent.toString());
        List<String> auth = new ArrayList<>();
        agent.path("authMethods").forEach(m -> auth.add(m.path("id").asText()));
        assertTrue(auth.contains("openai-api-key"), "its auth methods: " + agent);
        String setupError = agent.path("setupError").asText();
        assertTrue(setupError.startsWith("session/new failed: Authentication required"), agent.toString());

        String shown = cli("agent", "show", run);
        assertTrue(
                shown.contains("agent codex-acp " + version + ": setup failed: session/new failed: Authentication"
                                + " required")
                        && shown.contains("Use OPENAI_API_KEY"),
                shown);
        // the refusal is the run's, not the daemon's: it goes on serving
        assertEquals(200, kaged.call("GET", "/v1/health", null).statusCode());
        assertEquals(
                1,
                kaged.json("GET", "/v1/runs/" + run, null, 200).get("attempts").asInt(),
                "a refused setup is no reason to try again without retries");
    }

    /** The data of the first event of {@code type} in a run's event stream. */
    private static JsonNode eventData(String stream, String type) throws IOException {
        String[] lines = stream.split("\n");
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].equals("event:" + type) && lines[i - 1].startsWith("data:")) {
                return JSON.readTree(lines[i - 1].substring("data:".length()));
            }
        }
        throw new AssertionError("no " + type + " event in:\n" + stream);
    }

    private String cli(String... args) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.commandLine(kaged.env());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        assertEquals(0, exit, "kaged " + String.join(" ", args) + ": " + err);
        return out.toString();
    }
}
