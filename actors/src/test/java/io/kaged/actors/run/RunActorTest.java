package io.kaged.actors.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The run actor's protocol through its messages, with real processes and a real store. */
class RunActorTest {

    @TempDir
    Path home;

    private static String error(StatusReply<?> reply) {
        assertTrue(reply.isError(), "expected a refusal, got " + reply);
        return reply.getError().getMessage();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void propagatesExitCodesAndRefusesCommandsThatDoNotFitTheState(TestEngine engine) throws Exception {
        try (RunFixture f = new RunFixture(TestDatabases.newStoreUrl(engine, home), home)) {
            assertEquals("no such run", error(f.ask("nobody", RunActor.GetSummary::new)));
            f.dispatch("r1", 0, "/bin/sh", "-c", "echo out; echo err >&2; exit 3");
            Eventually.waitFor(
                    RunFixture.WAIT, "failed", () -> f.view("r1").state().equals("failed"));
            RunSummary done = f.<RunSummary>ask("r1", RunActor.GetSummary::new).getValue();
            assertEquals(3, done.exitCode());
            assertEquals(1, done.attempts());
            assertEquals("out\nerr\n".length(), f.output("r1", false).length());

            assertTrue(error(f.ask("r1", RunActor.Pause::new)).contains("only a running run can be paused"));
            assertEquals("run is not paused", error(f.ask("r1", RunActor.Resume::new)));
            assertTrue(error(f.ask("r1", RunActor.Cancel::new)).contains("already finished (failed)"));
            RunSpec again =
                    new RunSpec(java.util.List.of("true"), null, java.util.Map.of(), null, null, null, null, null, 0);
            assertEquals("run already exists", error(f.<RunSummary>ask("r1", r -> new RunActor.Dispatch(again, r))));
            assertTrue(error(f.<RunSummary>ask("r1", r -> new RunActor.Rollback("no-such-checkpoint", r)))
                    .contains("has no checkpoint no-such-checkpoint"));
        }
    }

    /**
     * The process prints "one", waits for a file, prints "two". Rolled back to a checkpoint taken between
     * the two, the run's output is "one" again (the rest is kept, set aside), and a new attempt runs.
     */
    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void rollbackRestoresTheCheckpointsOutputAndStartsTheProcessAgain(TestEngine engine) throws Exception {
        Path go = home.resolve("go");
        String script = "echo one; while [ ! -f " + go + " ]; do sleep 0.02; done; echo two; sleep 600";
        try (RunFixture f = new RunFixture(TestDatabases.newStoreUrl(engine, home), home)) {
            f.dispatch("r2", 0, "/bin/sh", "-c", script);
            Eventually.waitFor(
                    RunFixture.WAIT, "one", () -> f.output("r2", false).equals("one\n"));
            String checkpoint = f.<String>ask("r2", r -> new RunActor.Checkpoint("after one", r))
                    .getValue();
            Files.createFile(go);
            Eventually.waitFor(
                    RunFixture.WAIT, "two", () -> f.output("r2", false).equals("one\ntwo\n"));
            Files.delete(go);

            RunSummary back = f.<RunSummary>ask("r2", r -> new RunActor.Rollback(checkpoint, r))
                    .getValue();
            assertEquals("queued", back.state());
            // The new attempt starts only once the old process has ended; it prints "one" and waits again.
            Eventually.waitFor(
                    RunFixture.WAIT,
                    "the new attempt's output",
                    () -> f.view("r2").attempts() == 2 && f.output("r2", false).equals("one\none\n"));
            assertEquals("running", f.view("r2").state());
            assertFalse(f.output("r2", false).contains("two"), "output after the checkpoint is set aside");
            assertEquals("one\ntwo\none\n", f.output("r2", true), "and kept for the record");

            assertEquals(
                    "cancelled",
                    f.<RunSummary>ask("r2", RunActor.Cancel::new).getValue().state());
        }
    }

    /** A failed run rolled back runs again, with the retry budget it had at the checkpoint. */
    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void rollbackOfAFinishedRunRunsItAgainWithTheCheckpointsRetryBudget(TestEngine engine) throws Exception {
        Path fail = home.resolve("fail");
        String script = "echo start; while [ ! -f " + fail + " ]; do sleep 0.02; done; exit 7";
        try (RunFixture f = new RunFixture(TestDatabases.newStoreUrl(engine, home), home)) {
            f.dispatch("r3", 1, "/bin/sh", "-c", script);
            Eventually.waitFor(
                    RunFixture.WAIT, "start", () -> f.output("r3", false).equals("start\n"));
            String checkpoint =
                    f.<String>ask("r3", r -> new RunActor.Checkpoint(null, r)).getValue();
            Files.createFile(fail);
            // retries = 1: the first failure is retried, the second ends the run
            Eventually.waitFor(
                    RunFixture.WAIT, "failed", () -> f.view("r3").state().equals("failed"));
            assertEquals(2, f.view("r3").attempts());
            assertEquals(7, f.view("r3").exitCode());

            assertEquals(
                    "queued",
                    f.<RunSummary>ask("r3", r -> new RunActor.Rollback(checkpoint, r))
                            .getValue()
                            .state());
            // Back at the checkpoint the run was on its first attempt: one retry is left again.
            Eventually.waitFor(
                    RunFixture.WAIT, "failed again", () -> f.view("r3").state().equals("failed"));
            assertEquals(4, f.view("r3").attempts());
            assertEquals("start\n", f.output("r3", false).substring(0, 6));
            assertEquals(7, f.view("r3").exitCode());

            String finished = f.<String>ask("r3", r -> new RunActor.Checkpoint("at the end", r))
                    .getValue();
            assertTrue(error(f.<RunSummary>ask("r3", r -> new RunActor.Rollback(finished, r)))
                    .contains("was taken when the run was failed"));
        }
    }

    /** A finished run's actor goes away when idle and comes back whole on the next command. */
    /** A process the command left behind, not holding its output, ends with the run. */
    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aFinishedRunLeavesNoProcessBehind(TestEngine engine) throws Exception {
        Path pidFile = home.resolve("left-behind.pid");
        try (RunFixture f = new RunFixture(TestDatabases.newStoreUrl(engine, home), home)) {
            f.dispatch("bg", 0, "/bin/sh", "-c", "sleep 300 >/dev/null 2>&1 & echo $! > " + pidFile + "; exit 0");
            Eventually.waitFor(
                    RunFixture.WAIT, "succeeded", () -> f.view("bg").state().equals("succeeded"));
            long pid = Long.parseLong(java.nio.file.Files.readString(pidFile).trim());
            Eventually.waitFor(
                    RunFixture.WAIT,
                    "the left-behind sleep " + pid + " killed",
                    () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                            || java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"))
                                    .contains(") Z "));
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void passivatesAnIdleFinishedRunAndRecoversItOnTheNextCommand(TestEngine engine) throws Exception {
        try (RunFixture f =
                new RunFixture(TestDatabases.newStoreUrl(engine, home), home, "kaged.runs.passivate-after = 300ms")) {
            f.dispatch("done", 0, "/bin/sh", "-c", "echo hi; exit 5");
            f.dispatch("live", 0, "sleep", "600");
            Eventually.waitFor(
                    RunFixture.WAIT, "done failed", () -> f.view("done").state().equals("failed"));
            String checkpoint = f.<String>ask("done", r -> new RunActor.Checkpoint("kept", r))
                    .getValue();

            Eventually.waitFor(RunFixture.WAIT, "the finished run passivated", () -> !f.hasActor("done"));
            Thread.sleep(600);
            assertTrue(f.hasActor("live"), "a live run is never passivated");

            RunSummary back =
                    f.<RunSummary>ask("done", RunActor.GetSummary::new).getValue();
            assertEquals("failed", back.state());
            assertEquals(5, back.exitCode());
            assertTrue(
                    error(f.<RunSummary>ask("done", r -> new RunActor.Rollback(checkpoint, r)))
                            .contains("was taken when the run was failed"),
                    "a recovered run still finds its checkpoints and their states");
            assertEquals(
                    "cancelled",
                    f.<RunSummary>ask("live", RunActor.Cancel::new).getValue().state());
        }
    }

    /** A process that writes far faster than the store records: all of it is recorded, in batches. */
    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void recordsAFloodOfOutputWhole(TestEngine engine) throws Exception {
        try (RunFixture f = new RunFixture(TestDatabases.newStoreUrl(engine, home), home)) {
            f.dispatch("flood", 0, "/bin/sh", "-c", "head -c 20000000 /dev/zero | tr '\\0' x; echo; echo done >&2");
            Eventually.waitFor(java.time.Duration.ofSeconds(120), "flood recorded", () -> f.view("flood")
                    .state()
                    .equals("succeeded"));
            String all = f.output("flood", false);
            assertEquals(20_000_000 + "\ndone\n".length(), all.length());
            assertEquals(20_000_000, all.chars().filter(ch -> ch == 'x').count());
        }
    }
}
