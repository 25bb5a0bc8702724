package io.kaged.daemon.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.persistence.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The retention policy deletes a pruned run's workspace snapshots with its rows, and keeps a kept run's. */
class WorkspaceRetentionTest {

    @TempDir
    Path home;

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aPrunedRunsSnapshotsGoAndAKeptRunsStay(TestEngine engine) throws Exception {
        Path ws = Files.createDirectories(home.resolve("ws"));
        Files.writeString(ws.resolve("a.txt"), "a\n");
        try (TestDaemon d = new TestDaemon(engine, home, "kaged.retention.enabled = false\n")) {
            String old = withCheckpoint(d, ws);
            d.clock.advance(Duration.ofDays(91));
            String recent = withCheckpoint(d, ws);
            Path oldRepo = home.resolve("workspaces").resolve(old + ".git");
            Path recentRepo = home.resolve("workspaces").resolve(recent + ".git");
            assertTrue(Files.isDirectory(oldRepo));

            d.json("POST", "/v1/prune?dryRun=false", null, 200);

            assertEquals(404, d.call("GET", "/v1/runs/" + old, null).statusCode());
            assertFalse(Files.exists(oldRepo), "a pruned run's snapshots go with it");
            assertTrue(Files.isDirectory(recentRepo), "a kept run keeps its snapshots");
        }
    }

    /** A run with a workspace, a checkpoint of it, and its end. */
    private static String withCheckpoint(TestDaemon d, Path ws) throws Exception {
        String id = d.json(
                        "POST",
                        "/v1/runs",
                        TestDaemon.JSON.writeValueAsString(
                                Map.of("command", List.of("sleep", "300"), "cwd", ws.toString(), "workspace", true)),
                        201)
                .get("id")
                .asText();
        d.awaitState(id, "running");
        d.json("POST", "/v1/runs/" + id + "/checkpoints", null, 201);
        d.json("POST", "/v1/runs/" + id + "/cancel", null, 200);
        d.awaitState(id, "cancelled");
        return id;
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aPrunedSessionsSnapshotsGoWithIt(TestEngine engine) throws Exception {
        Path ws = Files.createDirectories(home.resolve("ws"));
        Files.writeString(ws.resolve("a.txt"), "a\n");
        try (TestDaemon d = new TestDaemon(engine, home, "kaged.retention.enabled = false\n")) {
            String id = d.json(
                            "POST",
                            "/v1/sessions",
                            TestDaemon.JSON.writeValueAsString(Map.of(
                                    "command", List.of("sleep", "300"), "cwd", ws.toString(), "workspace", true)),
                            201)
                    .get("id")
                    .asText();
            io.kaged.persistence.testing.Eventually.waitFor(
                    Duration.ofSeconds(30), "the session runs", () -> d.json("GET", "/v1/sessions/" + id, null, 200)
                            .get("state")
                            .asText()
                            .equals("running"));
            d.json("POST", "/v1/sessions/" + id + "/pause", null, 200);
            Path repo = home.resolve("workspaces").resolve(id + ".git");
            String cp = d.json("GET", "/v1/sessions/" + id + "/checkpoints", null, 200)
                    .get("items")
                    .get(0)
                    .get("id")
                    .asText();
            io.kaged.persistence.testing.Eventually.waitFor(
                    Duration.ofSeconds(30),
                    "the pause's snapshot",
                    () -> d.call("GET", "/v1/sessions/" + id + "/checkpoints/" + cp + "/diff", null)
                                    .statusCode()
                            == 200);
            d.call("DELETE", "/v1/sessions/" + id, null);
            io.kaged.persistence.testing.Eventually.waitFor(
                    Duration.ofSeconds(30), "the session's process has ended (its end time is then final)", () -> {
                        com.fasterxml.jackson.databind.JsonNode view = d.json("GET", "/v1/sessions/" + id, null, 200);
                        return view.get("state").asText().equals("closed") && !view.has("pid");
                    });
            assertTrue(Files.isDirectory(repo));
            d.clock.advance(Duration.ofDays(91));

            d.json("POST", "/v1/prune?dryRun=false", null, 200);

            assertEquals(404, d.call("GET", "/v1/sessions/" + id, null).statusCode());
            assertFalse(Files.exists(repo), "a pruned session's snapshots go with it");
        }
    }
}
