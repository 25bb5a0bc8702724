package io.kaged.daemon.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestEngine;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A session with a workspace through the real daemon's API: each pause records its cwd's files, the diff
 * against that checkpoint shows what changed since, and a purge deletes the session's snapshots.
 */
class SessionWorkspaceApiTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    private static String create(TestDaemon kaged, Map<String, Object> body) throws Exception {
        return kaged.json("POST", "/v1/sessions", TestDaemon.JSON.writeValueAsString(body), 201)
                .get("id")
                .asText();
    }

    private static void awaitState(TestDaemon kaged, String id, String state) throws Exception {
        Eventually.waitFor(
                WAIT,
                "session " + id + " " + state,
                () -> state.equals(kaged.json("GET", "/v1/sessions/" + id, null, 200)
                        .get("state")
                        .asText()));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void eachPauseRecordsTheWorkspaceAndThePurgeDeletesIt(TestEngine engine) throws Exception {
        Path ws = Files.createDirectories(home.resolve("project"));
        Files.writeString(ws.resolve("keep.txt"), "kept\n");
        Files.writeString(ws.resolve("edit.txt"), "before\n");
        Files.writeString(ws.resolve("gone.txt"), "to be deleted\n");
        try (TestDaemon kaged = new TestDaemon(engine, home, "")) {
            HttpResponse<String> noCwd =
                    kaged.call("POST", "/v1/sessions", "{\"command\":[\"/bin/sh\"],\"workspace\":true}");
            assertEquals(400, noCwd.statusCode(), noCwd.body());
            assertTrue(noCwd.body().contains("'workspace' needs 'cwd'"), noCwd.body());

            String id = create(
                    kaged,
                    Map.of("command", List.of("/bin/sh", "-c", "sleep 600"), "cwd", ws.toString(), "workspace", true));
            awaitState(kaged, id, "running");
            kaged.json("POST", "/v1/sessions/" + id + "/pause", null, 200);
            JsonNode checkpoints = kaged.json("GET", "/v1/sessions/" + id + "/checkpoints", null, 200)
                    .get("items");
            assertEquals(1, checkpoints.size(), checkpoints.toString());
            assertEquals("pause", checkpoints.get(0).get("reason").asText());
            String cp = checkpoints.get(0).get("id").asText();
            String diffPath = "/v1/sessions/" + id + "/checkpoints/" + cp + "/diff";
            // the snapshot is taken after the pause is recorded, off the actor: the diff answers once it is there
            Eventually.waitFor(
                    WAIT,
                    "the pause's snapshot",
                    () -> kaged.call("GET", diffPath, null).statusCode() == 200);
            JsonNode unchanged = kaged.json("GET", diffPath, null, 200);
            assertEquals(
                    0,
                    unchanged.get("added").size()
                            + unchanged.get("modified").size()
                            + unchanged.get("deleted").size(),
                    unchanged.toString());

            kaged.json("POST", "/v1/sessions/" + id + "/resume", null, 200);
            Files.writeString(ws.resolve("edit.txt"), "after\n");
            Files.delete(ws.resolve("gone.txt"));
            Files.writeString(ws.resolve("new.txt"), "new\n");
            JsonNode diff = kaged.json("GET", diffPath + "?patch=true", null, 200);
            assertEquals(List.of("new.txt"), texts(diff.get("added")), diff.toString());
            assertEquals(List.of("edit.txt"), texts(diff.get("modified")), diff.toString());
            assertEquals(List.of("gone.txt"), texts(diff.get("deleted")), diff.toString());
            assertTrue(diff.get("patch").asText().contains("-before\n+after"), diff.toString());
            assertEquals(
                    404,
                    kaged.call("GET", "/v1/sessions/" + id + "/checkpoints/nope/diff", null)
                            .statusCode());

            // a session without a workspace has checkpoints without files
            String plain =
                    create(kaged, Map.of("command", List.of("/bin/sh", "-c", "sleep 600"), "cwd", ws.toString()));
            awaitState(kaged, plain, "running");
            kaged.json("POST", "/v1/sessions/" + plain + "/pause", null, 200);
            String plainCp = kaged.json("GET", "/v1/sessions/" + plain + "/checkpoints", null, 200)
                    .get("items")
                    .get(0)
                    .get("id")
                    .asText();
            HttpResponse<String> none =
                    kaged.call("GET", "/v1/sessions/" + plain + "/checkpoints/" + plainCp + "/diff", null);
            assertEquals(409, none.statusCode(), none.body());
            assertTrue(none.body().contains("the session has no workspace"), none.body());
            assertFalse(Files.exists(home.resolve("workspaces").resolve(plain + ".git")));

            Path repo = home.resolve("workspaces").resolve(id + ".git");
            assertTrue(Files.isDirectory(repo), "the session's snapshots are under the home");
            kaged.json("DELETE", "/v1/sessions/" + id + "?purge=true", null, 200);
            assertFalse(Files.exists(repo), "a purged session's snapshots go with it");
            assertEquals("kept\n", Files.readString(ws.resolve("keep.txt")), "the workspace itself is left alone");
            kaged.call("DELETE", "/v1/sessions/" + plain + "?purge=true", null);
        }
    }
}
