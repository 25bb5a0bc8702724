package io.kaged.actors.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A run whose actor system dies under it is recovered from the journal by the next one: marked
 * interrupted, and retried only if it has attempts left — never lost, never running twice.
 */
class RunRecoveryTest {

    @TempDir
    Path home;

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void retriesAnInterruptedRunWithAttemptsLeftAndEndsOneWithout(TestEngine engine) throws Exception {
        String url = TestDatabases.newStoreUrl(engine, home);
        try (RunFixture first = new RunFixture(url, home)) {
            first.dispatch("with-retry", 1, "sleep", "600");
            first.dispatch("no-retry", 0, "sleep", "600");
            Eventually.waitFor(
                    RunFixture.WAIT,
                    "both running",
                    () -> first.view("with-retry").state().equals("running")
                            && first.view("no-retry").state().equals("running"));
        }

        // What a kill -9 of the daemon would leave: the run's process, still running, read by no one.
        ProcessBuilder survivor = new ProcessBuilder("setsid", "sleep", "600");
        survivor.environment().put("KAGED_RUN_ID", "with-retry");
        Process orphan = survivor.start();

        try (RunFixture second = new RunFixture(url, home)) {
            second.runs.tell(new RunSupervisor.Recover(second.queries.live().join()));
            assertTrue(orphan.waitFor(20, TimeUnit.SECONDS), "the old attempt's process is stopped before a retry");
            Eventually.waitFor(
                    RunFixture.WAIT,
                    "the retry",
                    () -> second.view("with-retry").state().equals("running")
                            && second.view("with-retry").attempts() == 2);
            Eventually.waitFor(RunFixture.WAIT, "interrupted", () -> second.view("no-retry")
                    .state()
                    .equals("interrupted"));
            assertEquals(1, second.view("no-retry").attempts());
            assertEquals(
                    "cancelled",
                    second.<RunSummary>ask("with-retry", RunActor.Cancel::new)
                            .getValue()
                            .state());
        }
    }
}
