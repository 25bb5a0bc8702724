package io.kaged.actors.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.actors.process.ProcessNotReady;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pause, resume and cancel sent while a run's process does not exist yet wait for it and are applied in
 * order (ADR-0057). The start is held back in the launcher until the commands are sent, as on a busy
 * machine.
 */
class RunStartWaitTest {

    @TempDir
    Path home;

    private final CountDownLatch gate = new CountDownLatch(1);
    private final String marker = "marker-" + UUID.randomUUID();

    private RunFixture fixture(TestEngine engine, String overrides) {
        return new RunFixture(TestDatabases.newStoreUrl(engine, home), home, overrides, runId -> {
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Map.of();
        });
    }

    /** Commands sent before this have reached the run's actor when it returns: it is answered at once. */
    private static void reached(RunFixture f, String id) {
        assertEquals(
                "queued",
                f.<RunSummary>ask(id, RunActor.GetSummary::new).getValue().state());
    }

    private String[] script() {
        return new String[] {"/bin/sh", "-c", "echo hi; sleep 600; : " + marker};
    }

    private boolean anyProcessLeft() {
        return ProcessHandle.allProcesses()
                .anyMatch(p -> p.info().commandLine().orElse("").contains(marker));
    }

    private <T> TestProbe<StatusReply<T>> send(
            RunFixture f,
            String id,
            java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<StatusReply<T>>, RunActor.Command> make) {
        TestProbe<StatusReply<T>> probe = f.kit.createTestProbe();
        f.runs.tell(new RunSupervisor.Deliver(id, make.apply(probe.ref())));
        return probe;
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void pauseAndResumeBeforeTheProcessExistsApplyInOrderOnceItDoes(TestEngine engine) throws Exception {
        try (RunFixture f = fixture(engine, "")) {
            try {
                f.dispatch("w1", 0, script());
                TestProbe<StatusReply<RunSummary>> pause = send(f, "w1", RunActor.Pause::new);
                TestProbe<StatusReply<RunSummary>> resume = send(f, "w1", RunActor.Resume::new);
                reached(f, "w1");
                pause.expectNoMessage(java.time.Duration.ofMillis(100));
                gate.countDown();
                assertEquals(
                        "paused",
                        pause.receiveMessage(RunFixture.WAIT).getValue().state());
                assertEquals(
                        "running",
                        resume.receiveMessage(RunFixture.WAIT).getValue().state());
                Eventually.waitFor(RunFixture.WAIT, "the process runs", () -> f.output("w1", false)
                        .equals("hi\n"));
                assertEquals("running", f.view("w1").state());
                assertEquals(
                        "cancelled",
                        f.<RunSummary>ask("w1", RunActor.Cancel::new).getValue().state());
                Eventually.waitFor(RunFixture.WAIT, "no process left", () -> !anyProcessLeft());
            } finally {
                gate.countDown();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void pauseThenCancelBeforeTheProcessExistsEndsTheRunCancelledWithNoProcessLeft(TestEngine engine) throws Exception {
        try (RunFixture f = fixture(engine, "")) {
            try {
                f.dispatch("w2", 0, script());
                TestProbe<StatusReply<RunSummary>> pause = send(f, "w2", RunActor.Pause::new);
                TestProbe<StatusReply<RunSummary>> cancel = send(f, "w2", RunActor.Cancel::new);
                // the cancel does not pass the pause sent before it
                reached(f, "w2");
                cancel.expectNoMessage(java.time.Duration.ofMillis(100));
                gate.countDown();
                assertEquals(
                        "paused",
                        pause.receiveMessage(RunFixture.WAIT).getValue().state());
                assertEquals(
                        "cancelled",
                        cancel.receiveMessage(RunFixture.WAIT).getValue().state());
                Eventually.waitFor(RunFixture.WAIT, "no process left", () -> !anyProcessLeft());
                Eventually.waitFor(
                        RunFixture.WAIT,
                        "the attempt's end recorded",
                        () -> f.view("w2").state().equals("cancelled")
                                && f.view("w2").exitCode() != null);
            } finally {
                gate.countDown();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void cancelAloneBeforeTheProcessExistsLeavesNoProcess(TestEngine engine) throws Exception {
        try (RunFixture f = fixture(engine, "")) {
            try {
                f.dispatch("w3", 0, script());
                assertEquals(
                        "cancelled",
                        f.<RunSummary>ask("w3", RunActor.Cancel::new).getValue().state());
                gate.countDown();
                Thread.sleep(500);
                Eventually.waitFor(RunFixture.WAIT, "no process left", () -> !anyProcessLeft());
                assertEquals("cancelled", f.view("w3").state());
            } finally {
                gate.countDown();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void pastTheBoundACommandIsRefusedAtOnceAsNotReady(TestEngine engine) throws Exception {
        try (RunFixture f = fixture(engine, "kaged.runs.max-waiting-commands = 2")) {
            try {
                f.dispatch("w4", 0, script());
                TestProbe<StatusReply<RunSummary>> pause = send(f, "w4", RunActor.Pause::new);
                TestProbe<StatusReply<RunSummary>> resume = send(f, "w4", RunActor.Resume::new);
                StatusReply<RunSummary> third = f.ask("w4", RunActor.Pause::new);
                assertTrue(third.isError(), "the third command is over the bound: " + third);
                ProcessNotReady refusal = assertInstanceOf(ProcessNotReady.class, third.getError());
                assertTrue(refusal.getMessage().contains("2 commands are already waiting"), refusal.getMessage());
                assertTrue(refusal.retryAfter().toSeconds() >= 1);

                gate.countDown();
                assertEquals(
                        "paused",
                        pause.receiveMessage(RunFixture.WAIT).getValue().state());
                assertEquals(
                        "running",
                        resume.receiveMessage(RunFixture.WAIT).getValue().state());
                assertEquals(
                        "cancelled",
                        f.<RunSummary>ask("w4", RunActor.Cancel::new).getValue().state());
                Eventually.waitFor(RunFixture.WAIT, "no process left", () -> !anyProcessLeft());
            } finally {
                gate.countDown();
            }
        }
    }
}
