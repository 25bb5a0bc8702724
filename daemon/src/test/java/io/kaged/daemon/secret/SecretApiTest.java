package io.kaged.daemon.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.daemon.agent.AgentDaemonBase;
import io.kaged.daemon.agent.TestAgent;
import io.kaged.daemon.cli.Cli;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestEngine;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/** Secrets through the real daemon and the CLI, on both engines: set, used by runs and sessions, never stored. */
class SecretApiTest extends AgentDaemonBase {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Cmd(int exit, String out, String err) {}

    private Cmd cli(String stdin, String... args) {
        InputStream before = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cl = Cli.commandLine(kaged.env());
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            return new Cmd(cl.execute(args), out.toString(), err.toString());
        } finally {
            System.setIn(before);
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aSecretReachesTheProcessMaskedAndNeverTheStore(TestEngine engine) throws Exception {
        start(engine);
        String value = "sk-test-" + UUID.randomUUID();

        Cmd set = cli(value + "\n", "secret", "set", "api-key");
        assertEquals(0, set.exit(), set.err());
        assertEquals("Secret api-key set.\n", set.out());
        Cmd ls = cli("", "secret", "ls");
        assertEquals("api-key\n", ls.out(), ls.err());
        JsonNode list = kaged.json("GET", "/v1/secrets", null, 200);
        assertEquals("[{\"name\":\"api-key\"}]", list.get("items").toString());
        Path file = home.resolve("secrets").resolve("api-key");
        assertEquals(value, Files.readString(file), "stored without the line end, in the home's secrets folder");
        assertEquals(
                "rw-------",
                java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        // the value printed whole, and in two writes with a pause between (two reads, two chunks)
        String script = "echo \"key=$API_KEY plain=$PLAIN\"; printf '%s' \"${API_KEY%????????}\"; sleep 0.3;"
                + " printf '%s\\n' \"${API_KEY#\"${API_KEY%????????}\"}\"; echo \"$API_KEY\" >&2";
        String run = kaged.json(
                        "POST",
                        "/v1/runs",
                        JSON.writeValueAsString(Map.of(
                                "command", List.of("/bin/sh", "-c", script),
                                "env", Map.of("API_KEY", Map.of("secret", "api-key"), "PLAIN", "visible"))),
                        201)
                .get("id")
                .asText();
        kaged.awaitState(run, "succeeded");
        assertEquals(
                "key=*** plain=visible\n***\n",
                kaged.call("GET", "/v1/runs/" + run + "/output?stream=stdout", null)
                        .body());
        assertEquals(
                "***\n",
                kaged.call("GET", "/v1/runs/" + run + "/output?stream=stderr", null)
                        .body());

        // a session's transcript too
        String session = kaged.json(
                        "POST",
                        "/v1/sessions",
                        JSON.writeValueAsString(Map.of(
                                "command", List.of("/bin/sh", "-c", "echo \"session $API_KEY\"; sleep 30"),
                                "env", Map.of("API_KEY", Map.of("secret", "api-key")))),
                        201)
                .get("id")
                .asText();
        Eventually.waitFor(WAIT, "the session's line", () -> transcript(session).contains("session "));
        Thread.sleep(300);
        assertTrue(transcript(session).contains("session ***"), transcript(session));

        assertEquals(
                "[\"API_KEY\",\"PLAIN\"]",
                kaged.json("GET", "/v1/runs/" + run, null, 200).get("envKeys").toString());
        assertEquals(
                "[\"API_KEY\"]",
                kaged.json("GET", "/v1/sessions/" + session, null, 200)
                        .get("envKeys")
                        .toString());
        List<String> answers = new ArrayList<>();
        answers.add(kaged.call("GET", "/v1/runs/" + run, null).body());
        answers.add(kaged.call("GET", "/v1/runs/" + run + "/events?follow=false", null)
                .body());
        answers.add(kaged.call("GET", "/v1/sessions/" + session, null).body());
        answers.add(kaged.call("GET", "/v1/audit", null).body());
        answers.add(kaged.call("GET", "/v1/secrets", null).body());
        answers.add(transcript(session));
        for (String answer : answers) {
            assertFalse(answer.contains(value), answer);
        }
        assertTrue(answers.get(1).contains("api-key"), "the run's events name the secret: " + answers.get(1));

        kaged.call("DELETE", "/v1/sessions/" + session, null);
        String store = storeBytes(engine);
        assertFalse(store.contains(value) || store.contains(hex(value)), "the store holds the secret's value");
        assertTrue(store.contains("key=***") || store.contains(hex("key=***")), "the store holds the masked output");

        // the same from the CLI, in a network-less sandbox
        Cmd started = cli(
                "",
                "run",
                "start",
                "--wait",
                "--no-network",
                "--secret",
                "API_KEY=api-key",
                "--",
                "/bin/sh",
                "-c",
                "echo cli=$API_KEY; cat " + home.resolve("auth-token") + " || echo token-hidden");
        assertEquals(0, started.exit(), started.toString());
        String cliRun = started.out().trim();
        assertEquals(
                "cli=***\ntoken-hidden\n",
                kaged.call("GET", "/v1/runs/" + cliRun + "/output?stream=stdout", null)
                        .body());
        assertEquals(
                1,
                kaged.json("GET", "/v1/audit?kind=sandbox.applied&subject=" + cliRun, null, 200)
                        .get("items")
                        .size());

        // unknown names are refused at dispatch; a removed secret is gone
        HttpResponse<String> unknown = kaged.call(
                "POST",
                "/v1/runs",
                JSON.writeValueAsString(
                        Map.of("command", List.of("true"), "env", Map.of("X", Map.of("secret", "no-such-secret")))));
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("no-such-secret") && unknown.body().contains("not set"), unknown.body());
        Cmd rm = cli("", "secret", "rm", "api-key");
        assertEquals(0, rm.exit(), rm.err());
        assertFalse(Files.exists(file));
        // the session ended above; started again, it finds its secret gone and says which
        Eventually.waitFor(WAIT, "the session ended", () -> kaged.json("GET", "/v1/sessions/" + session, null, 200)
                .get("state")
                .asText()
                .equals("closed"));
        kaged.json("POST", "/v1/sessions/" + session + "/restart", null, 200);
        Eventually.waitFor(WAIT, "the restart failed", () -> !kaged.json("GET", "/v1/sessions/" + session, null, 200)
                .get("state")
                .asText()
                .equals("starting"));
        String journal = storeText("SELECT payload FROM journal WHERE persistence_id = 'session|" + session + "'");
        assertTrue(journal.contains("secret not set: api-key (for API_KEY)"), journal);
        Cmd again = cli("", "secret", "rm", "api-key");
        assertTrue(again.exit() != 0 && again.err().contains("No secret named 'api-key'"), again.toString());
        assertEquals("", cli("", "secret", "ls").out());
        JsonNode audit = kaged.json("GET", "/v1/audit?kind=secret.*", null, 200).get("items");
        assertEquals(2, audit.size(), audit.toString());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void anAgentProfilesSecretReachesTheAgentMaskedAndNeverTheStore(TestEngine engine) throws Exception {
        start(engine);
        String value = "sk-agent-" + UUID.randomUUID();
        kaged.json("PUT", "/v1/secrets/agent-key", JSON.writeValueAsString(Map.of("value", value)), 201);
        Map<String, Object> profile = Map.of(
                "command", TestAgent.command(),
                "env", Map.of("AGENT_KEY", Map.of("secret", "agent-key"), "SHOWN", "plain"));
        kaged.json(
                "POST",
                "/v1/projects",
                JSON.writeValueAsString(
                        Map.of("name", "p", "config", Map.of("acp", Map.of("profiles", Map.of("tester", profile))))),
                201);
        JsonNode dispatched = kaged.json(
                "POST",
                "/v1/runs",
                JSON.writeValueAsString(Map.of(
                        "command", TestAgent.command(),
                        "cwd", work.toString(),
                        "project", "p",
                        "acp", Map.of("profile", "tester", "prompt", "env AGENT_KEY; env SHOWN"))),
                201);
        String run = dispatched.get("id").asText();
        assertEquals("[\"AGENT_KEY\",\"SHOWN\"]", dispatched.get("envKeys").toString());
        Eventually.waitFor(
                WAIT, "the agent's turn ended", () -> conversation(run).contains("turn_end"));
        JsonNode said = JSON.readTree(conversation(run)).get("items").get(1);
        assertEquals("AGENT_KEY=***SHOWN=plain", said.get("text").asText(), said.toString());
        Eventually.waitFor(
                WAIT, "the agent's stderr", () -> kaged.call("GET", "/v1/runs/" + run + "/output?stream=stderr", null)
                        .body()
                        .contains("SHOWN=plain"));
        String stderr = kaged.call("GET", "/v1/runs/" + run + "/output?stream=stderr", null)
                .body();
        assertTrue(stderr.contains("test agent: AGENT_KEY=***\n"), stderr);
        String events = kaged.call("GET", "/v1/runs/" + run + "/events?follow=false", null)
                .body();
        assertTrue(events.contains("agent-key"), "the dispatch names the secret: " + events);
        for (String answer : List.of(
                events,
                stderr,
                conversation(run),
                kaged.call("GET", "/v1/runs/" + run, null).body())) {
            assertFalse(answer.contains(value), answer);
        }
        kaged.json("POST", "/v1/runs/" + run + "/cancel", null, 200);
        kaged.awaitState(run, "cancelled");

        // kaged agent start --secret, without a profile
        List<String> start = new ArrayList<>(List.of(
                "agent",
                "start",
                "--cwd",
                work.toString(),
                "--secret",
                "OWN_KEY=agent-key",
                "--prompt",
                "env OWN_KEY",
                "--"));
        start.addAll(TestAgent.command());
        Cmd started = cli("", start.toArray(String[]::new));
        assertEquals(0, started.exit(), started.toString());
        String cliRun = started.out().trim();
        assertEquals(
                "[\"OWN_KEY\"]",
                kaged.json("GET", "/v1/runs/" + cliRun, null, 200)
                        .get("envKeys")
                        .toString());
        Eventually.waitFor(
                WAIT, "the CLI agent's turn ended", () -> conversation(cliRun).contains("turn_end"));
        assertEquals(
                "OWN_KEY=***",
                JSON.readTree(conversation(cliRun))
                        .get("items")
                        .get(1)
                        .get("text")
                        .asText());
        kaged.json("POST", "/v1/runs/" + cliRun + "/cancel", null, 200);
        kaged.awaitState(cliRun, "cancelled");

        String store = storeBytes(engine);
        assertFalse(store.contains(value) || store.contains(hex(value)), "the store holds the secret's value");
        assertTrue(
                store.contains("AGENT_KEY=***") || store.contains(hex("AGENT_KEY=***")),
                "the store holds the masked conversation");

        // a profile naming a secret that is not set is refused at dispatch, naming the profile
        assertEquals(204, kaged.call("DELETE", "/v1/secrets/agent-key", null).statusCode());
        HttpResponse<String> refused = kaged.call(
                "POST",
                "/v1/runs",
                JSON.writeValueAsString(Map.of(
                        "command", TestAgent.command(),
                        "cwd", work.toString(),
                        "project", "p",
                        "acp", Map.of("profile", "tester"))));
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(
                refused.body().contains("acp.profiles.tester.env of project p")
                        && refused.body().contains("'agent-key', which is not set"),
                refused.body());
    }

    private String conversation(String run) throws Exception {
        return kaged.call("GET", "/v1/runs/" + run + "/conversation?limit=1000", null)
                .body();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aSecretsFolderThatCannotBeWrittenIsA503WithoutTheValue(TestEngine engine) throws Exception {
        start(engine);
        Files.writeString(home.resolve("secrets"), "not a folder");
        HttpResponse<String> put = kaged.call("PUT", "/v1/secrets/key", "{\"value\":\"value-that-stays-private\"}");
        assertEquals(503, put.statusCode(), put.body());
        assertTrue(put.body().contains("secrets folder"), put.body());
        assertFalse(put.body().contains("value-that-stays-private"), put.body());
        assertEquals("{\"items\":[]}", kaged.call("GET", "/v1/secrets", null).body());
    }

    /** The rows of {@code sql}'s one column, as text. */
    private String storeText(String sql) throws Exception {
        return kaged.store().withConnection(c -> {
            StringBuilder all = new StringBuilder();
            try (var ps = c.prepareStatement(sql);
                    var rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.append(new String(rs.getBytes(1), StandardCharsets.UTF_8))
                            .append('\n');
                }
            }
            return all.toString();
        });
    }

    /** How pg_dump writes bytes of a bytea column: lower-case hex. */
    private static String hex(String text) {
        return java.util.HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }

    private String transcript(String sessionId) throws Exception {
        return kaged.call("GET", "/v1/sessions/" + sessionId + "/transcript", null)
                .body();
    }

    /** Every byte of the store: the SQLite files, or a pg_dump of the PostgreSQL database. */
    private String storeBytes(TestEngine engine) throws Exception {
        var target = kaged.store().target();
        if (engine == TestEngine.SQLITE) {
            StringBuilder all = new StringBuilder();
            Path db = target.file().orElseThrow();
            try (Stream<Path> files = Files.list(db.getParent())) {
                for (Path f : files.filter(f -> f.getFileName()
                                .toString()
                                .startsWith(db.getFileName().toString()))
                        .toList()) {
                    all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                }
            }
            return all.toString();
        }
        Process dump = new ProcessBuilder("pg_dump", "--dbname=" + target.libpqUrl())
                .redirectErrorStream(true)
                .start();
        String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, dump.waitFor(), text);
        assertTrue(text.contains("PostgreSQL database dump"), text);
        return text;
    }
}
