package io.kaged.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.daemon.serve.TestDaemon;
import io.kaged.persistence.testing.TestEngine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * {@code kaged run start --workspace}, {@code kaged run diff} and {@code kaged run purge} in-process against a
 * real daemon: the diff names what changed since the checkpoint, a backup says it leaves the snapshots out,
 * and the purge deletes them.
 */
class RunDiffCliTest {

    @TempDir
    Path home;

    record Result(int exit, String out, String err) {}

    private static Result kaged(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.commandLine(env);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void diffShowsTheChangesSinceTheNewestCheckpointAndPurgeDropsTheSnapshots(TestEngine engine) throws Exception {
        Path ws = Files.createDirectories(home.resolve("ws"));
        Files.writeString(ws.resolve("a.txt"), "one\n");
        Files.writeString(ws.resolve("b.txt"), "bee\n");
        Path go = home.resolve("go");
        String script = "while [ ! -f " + go + " ]; do sleep 0.02; done; echo two > a.txt; rm b.txt; echo c > c.txt";
        try (TestDaemon d = new TestDaemon(engine, home, "")) {
            Map<String, String> env = d.env();
            Result started =
                    kaged(env, "run", "start", "--workspace", "--cwd", ws.toString(), "--", "/bin/sh", "-c", script);
            assertEquals(0, started.exit(), started.out() + started.err());
            assertEquals(1, d.count("SELECT COUNT(*) FROM runs"));
            String id = d.json("GET", "/v1/runs", null, 200)
                    .get("items")
                    .get(0)
                    .get("id")
                    .asText();
            Result none = kaged(env, "run", "diff", id);
            assertEquals(io.kaged.daemon.client.ClientException.NOT_FOUND, none.exit(), none.err());
            assertTrue(none.err().contains("has no checkpoint"), none.err());
            Result cp = kaged(env, "run", "checkpoint", id, "--take");
            assertEquals(0, cp.exit(), cp.out() + cp.err());
            assertEquals(
                    "No changes since checkpoint",
                    firstWords(kaged(env, "run", "diff", id).out()));

            Files.createFile(go);
            d.awaitState(id, "succeeded");
            Result diff = kaged(env, "run", "diff", id, "--patch");
            assertEquals(0, diff.exit(), diff.err());
            assertTrue(diff.out().startsWith("A c.txt\nM a.txt\nD b.txt\n"), diff.out());
            assertTrue(diff.out().contains("-one\n+two\n"), diff.out());

            Path repo = home.resolve("workspaces").resolve(id + ".git");
            assertTrue(Files.isDirectory(repo), "the run's snapshots are under the kaged home");
            Result backup = kaged(env, "backup", "--to", home.resolve("copy").toString());
            assertEquals(0, backup.exit(), backup.out() + backup.err());
            assertTrue(
                    backup.out()
                            .contains("Not included: the runs' workspace snapshots in " + home.resolve("workspaces")),
                    backup.out());

            Result purged = kaged(env, "run", "purge", id);
            assertEquals(0, purged.exit(), purged.out() + purged.err());
            assertEquals(404, d.call("GET", "/v1/runs/" + id, null).statusCode());
            assertFalse(Files.exists(repo), "a purged run's snapshots go with it");
            assertEquals("two\n", Files.readString(ws.resolve("a.txt")), "the workspace itself is the user's");
        }
    }

    private static String firstWords(String s) {
        return s.length() < 27 ? s : s.substring(0, 27);
    }
}
