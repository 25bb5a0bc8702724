package io.kaged.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.daemon.serve.TestDaemon;
import io.kaged.persistence.testing.TestEngine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/** {@code kaged prune} and {@code kaged run purge} in-process against a real daemon, on both engines. */
class PruneCliTest {

    @TempDir
    Path home;

    record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

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
    void pruneRefusesWithoutAChoiceShowsThePlanThenRemovesWithProgress(TestEngine engine) throws Exception {
        try (TestDaemon d = new TestDaemon(engine, home, "kaged.retention.enabled = false\n")) {
            Map<String, String> env = d.env();
            List<String> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                runs.add(d.dispatch(null, "/bin/echo", "run " + i));
            }
            for (String id : runs) {
                d.awaitState(id, "succeeded");
            }
            d.clock.advance(Duration.ofDays(120));

            Result none = kaged(env, "prune");
            assertEquals(Cli.MISCONFIGURED, none.exit(), none.all());
            assertTrue(none.err().contains("--dry-run") && none.err().contains("--yes"), none.err());
            assertEquals(
                    Cli.MISCONFIGURED, kaged(env, "prune", "--dry-run", "--yes").exit());

            Result plan = kaged(env, "prune", "--dry-run");
            assertEquals(0, plan.exit(), plan.all());
            assertTrue(plan.out().contains("Would remove:"), plan.out());
            assertTrue(plan.out().matches("(?s).*\\nruns\\s+3\\s.*"), plan.out());
            for (String id : runs) {
                assertEquals("succeeded", d.state(id), "a dry run removes nothing");
            }

            Result pruned = kaged(env, "prune", "--yes", "--step", "1");
            assertEquals(0, pruned.exit(), pruned.all());
            assertTrue(pruned.out().contains("removed 1 of 3"), pruned.out());
            assertTrue(pruned.out().contains("removed 3 of 3"), pruned.out());
            assertTrue(pruned.out().matches("(?s).*\\nruns\\s+3\\s.*"), pruned.out());
            for (String id : runs) {
                assertEquals(404, d.call("GET", "/v1/runs/" + id, null).statusCode());
            }
            Result empty = kaged(env, "prune", "--yes");
            assertEquals(0, empty.exit(), empty.all());
            assertTrue(empty.out().contains("Nothing was removed."), empty.out());

            String live = d.dispatch(null, "sleep", "60");
            d.awaitState(live, "running");
            Result refused = kaged(env, "run", "purge", live);
            assertEquals(4, refused.exit(), refused.all());
            assertTrue(refused.err().contains("cancel"), refused.err());
            assertEquals(0, kaged(env, "run", "cancel", live).exit());
            io.kaged.persistence.testing.Eventually.waitFor(
                    TestDaemon.WAIT,
                    "the purge of the cancelled run",
                    () -> kaged(env, "run", "purge", live).exit() == 0);
            Result missing = kaged(env, "run", "purge", live);
            assertEquals(5, missing.exit(), missing.all());
        }
    }
}
