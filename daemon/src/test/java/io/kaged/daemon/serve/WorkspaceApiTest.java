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
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A run with a workspace through the real daemon's API: a shell script edits a git repository, a checkpoint
 * is taken, the script edits more, the diff shows it, and the rollback puts the files back.
 */
class WorkspaceApiTest {

    @TempDir
    Path home;

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void checkpointDiffAndRollbackOfAGitRepository(TestEngine engine) throws Exception {
        Path ws = Files.createDirectories(home.resolve("repo"));
        Files.writeString(ws.resolve("main.c"), "int main() { return 0; }\n");
        Files.writeString(ws.resolve("notes.txt"), "notes\n");
        try (Git git = Git.init().setDirectory(ws.toFile()).call()) {
            git.add().addFilepattern(".").call();
            git.commit()
                    .setMessage("first")
                    .setSign(false)
                    .setAuthor("t", "t@t")
                    .setCommitter("t", "t@t")
                    .call();
        }
        String gitBefore = treeHash(ws.resolve(".git"));
        Map<String, String> atStart = treeState(ws);
        Path go = home.resolve("go");
        String script = "while [ ! -f " + go + " ]; do sleep 0.02; done;"
                + " echo 'int main() { return 1; }' > main.c; rm notes.txt; echo hi > hello.txt; echo done; sleep 600";
        try (TestDaemon kaged = new TestDaemon(engine, home, "")) {
            HttpResponse<String> noCwd = kaged.call("POST", "/v1/runs", "{\"command\":[\"true\"],\"workspace\":true}");
            assertEquals(400, noCwd.statusCode(), noCwd.body());
            assertTrue(noCwd.body().contains("'workspace' needs 'cwd'"), noCwd.body());
            HttpResponse<String> inHome = kaged.call(
                    "POST",
                    "/v1/runs",
                    TestDaemon.JSON.writeValueAsString(
                            Map.of("command", List.of("true"), "cwd", home.toString(), "workspace", true)));
            assertEquals(400, inHome.statusCode(), inHome.body());
            assertTrue(inHome.body().contains("holds kaged's workspace snapshots"), inHome.body());

            String id = kaged.json(
                            "POST",
                            "/v1/runs",
                            TestDaemon.JSON.writeValueAsString(Map.of(
                                    "command", List.of("/bin/sh", "-c", script),
                                    "cwd", ws.toString(),
                                    "workspace", true)),
                            201)
                    .get("id")
                    .asText();
            kaged.awaitState(id, "running");
            String cp = kaged.json("POST", "/v1/runs/" + id + "/checkpoints", "{\"label\":\"clean\"}", 201)
                    .get("id")
                    .asText();
            Files.createFile(go);
            Eventually.waitFor(TestDaemon.WAIT, "done", () -> kaged.call("GET", "/v1/runs/" + id + "/output", null)
                    .body()
                    .equals("done\n"));
            Files.delete(go);

            JsonNode diff = kaged.json("GET", "/v1/runs/" + id + "/checkpoints/" + cp + "/diff?patch=true", null, 200);
            assertEquals("[\"hello.txt\"]", diff.get("added").toString());
            assertEquals("[\"main.c\"]", diff.get("modified").toString());
            assertEquals("[\"notes.txt\"]", diff.get("deleted").toString());
            assertTrue(
                    diff.get("patch").asText().contains("-int main() { return 0; }\n+int main() { return 1; }\n"),
                    diff.get("patch").asText());
            assertEquals(
                    404,
                    kaged.call("GET", "/v1/runs/" + id + "/checkpoints/nope/diff", null)
                            .statusCode());
            assertEquals(
                    404,
                    kaged.call("GET", "/v1/runs/nope/checkpoints/" + cp + "/diff", null)
                            .statusCode());
            assertEquals(
                    400,
                    kaged.call("GET", "/v1/runs/" + id + "/checkpoints/" + cp + "/diff?patch=1", null)
                            .statusCode());

            kaged.json("POST", "/v1/runs/" + id + "/rollback", "{\"checkpointId\":\"" + cp + "\"}", 200);
            Eventually.waitFor(
                    TestDaemon.WAIT,
                    "the restore's audit row",
                    () -> kaged.count(
                                    "SELECT COUNT(*) FROM audit WHERE kind = 'run.workspace.restore' AND subject = ?",
                                    id)
                            == 1);
            kaged.awaitState(id, "running");
            assertEquals(atStart, treeState(ws));
            assertEquals(gitBefore, treeHash(ws.resolve(".git")), "the repository's .git is untouched");
            JsonNode after = kaged.json("GET", "/v1/runs/" + id + "/checkpoints/" + cp + "/diff", null, 200);
            assertEquals(
                    0,
                    after.get("added").size()
                            + after.get("modified").size()
                            + after.get("deleted").size());
            assertFalse(after.has("patch"));

            // a run without a workspace has checkpoints without files: their diff is a 409
            String plain = kaged.dispatch(null, "/bin/sh", "-c", "sleep 600");
            kaged.awaitState(plain, "running");
            String plainCp = kaged.json("POST", "/v1/runs/" + plain + "/checkpoints", null, 201)
                    .get("id")
                    .asText();
            HttpResponse<String> none =
                    kaged.call("GET", "/v1/runs/" + plain + "/checkpoints/" + plainCp + "/diff", null);
            assertEquals(409, none.statusCode(), none.body());
            assertTrue(none.body().contains("no snapshot of the run's files"), none.body());
            kaged.call("POST", "/v1/runs/" + id + "/cancel", null);
            kaged.call("POST", "/v1/runs/" + plain + "/cancel", null);
        }
    }

    /** Every file under {@code root} but .git, by content. */
    static Map<String, String> treeState(Path root) throws Exception {
        Map<String, String> state = new java.util.TreeMap<>();
        try (var all = Files.walk(root)) {
            for (Path p : all.toList()) {
                String rel = root.relativize(p).toString();
                if (!rel.startsWith(".git") && Files.isRegularFile(p)) {
                    state.put(rel, Files.readString(p));
                }
            }
        }
        return state;
    }

    /** A hash of every file name and content under {@code dir}. */
    static String treeHash(Path dir) throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        try (var all = Files.walk(dir)) {
            for (Path p : all.sorted().toList()) {
                sha.update(dir.relativize(p).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                if (Files.isRegularFile(p)) {
                    sha.update(Files.readAllBytes(p));
                }
            }
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }
}
