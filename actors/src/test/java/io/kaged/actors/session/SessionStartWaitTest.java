package io.kaged.actors.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.kaged.actors.process.ProcessLauncher;
import io.kaged.actors.process.ProcessNotReady;
import io.kaged.actors.process.PtyLauncher;
import io.kaged.persistence.store.StoreExtension;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import io.kaged.persistence.testing.TestSystems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Input, resize and the rest sent right after a session is created, before its process exists, wait for
 * it and are applied in order (ADR-0057). The pty's start is held back until they are sent, as on a busy
 * machine.
 */
class SessionStartWaitTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path home;

    private final ExecutorService blocking = Executors.newCachedThreadPool();
    private final PtyLauncher pty = new PtyLauncher(16 * 1024);
    private final CountDownLatch gate = new CountDownLatch(1);
    /** Starts that fail, before the pty is started for real. */
    private final AtomicInteger failingStarts = new AtomicInteger();

    private final ProcessLauncher held = (spec, sink) -> {
        try {
            gate.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failingStarts.getAndDecrement() > 0) {
            throw new IOException("no such program (test)");
        }
        return pty.start(spec, sink);
    };

    private ActorTestKit kit;
    private ActorRef<SessionSupervisor.Command> sessions;
    private SessionQueries queries;

    @AfterEach
    void stop() {
        gate.countDown();
        if (kit != null) {
            kit.shutdownTestKit();
        }
        pty.close();
        blocking.shutdownNow();
    }

    private void start(TestEngine engine, String overrides) {
        kit = TestSystems.kit(
                "sessions",
                ConfigFactory.parseString(overrides)
                        .withFallback(TestSystems.config(TestDatabases.newStoreUrl(engine, home), home)),
                List.of(new SessionProjection()));
        SessionSettings settings =
                SessionSettings.fromConfig(kit.system().settings().config());
        sessions = kit.spawn(SessionSupervisor.create(settings, held, blocking, Clock.systemUTC()));
        queries = new SessionQueries(StoreExtension.store(kit.system().classicSystem()));
    }

    private void create(String id, String script, RestartPolicy restart) {
        TestProbe<StatusReply<SessionSummary>> probe = kit.createTestProbe();
        SessionSpec spec = new SessionSpec(
                List.of("/bin/sh", "-c", script), null, Map.of(), 80, 24, "t", "p", restart, null, null);
        sessions.tell(new SessionSupervisor.Deliver(id, new SessionActor.Create(spec, probe.ref())));
        assertEquals("starting", probe.receiveMessage(WAIT).getValue().state());
    }

    private TestProbe<StatusReply<Done>> input(String id, String text) {
        TestProbe<StatusReply<Done>> probe = kit.createTestProbe();
        sessions.tell(new SessionSupervisor.Deliver(
                id, new SessionActor.Input(text.getBytes(StandardCharsets.UTF_8), probe.ref())));
        return probe;
    }

    /**
     * Asks for the summary, answered at once in every phase: commands sent before it have reached the
     * actor when it comes back, so they are waiting if they wait at all.
     */
    private void reached(String id) {
        TestProbe<StatusReply<SessionSummary>> probe = kit.createTestProbe();
        sessions.tell(new SessionSupervisor.Deliver(id, new SessionActor.GetSummary(probe.ref())));
        assertEquals("starting", probe.receiveMessage(WAIT).getValue().state());
    }

    private String transcript(String id) {
        return new String(queries.transcript(id, Long.MAX_VALUE).join(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void inputAndResizeSentRightAfterCreateAreAppliedInOrderOnceTheProcessExists(TestEngine engine) throws Exception {
        start(engine, "");
        create("q1", "read a; read b; echo \"size=$(stty size) got=$a,$b\"; sleep 600", RestartPolicy.NEVER);
        TestProbe<StatusReply<Done>> resize = kit.createTestProbe();
        sessions.tell(new SessionSupervisor.Deliver("q1", new SessionActor.Resize(100, 30, resize.ref())));
        TestProbe<StatusReply<Done>> one = input("q1", "one\n");
        TestProbe<StatusReply<Done>> two = input("q1", "two\n");
        reached("q1");
        one.expectNoMessage(Duration.ofMillis(100));
        gate.countDown();

        assertTrue(resize.receiveMessage(WAIT).isSuccess());
        assertTrue(one.receiveMessage(WAIT).isSuccess());
        assertTrue(two.receiveMessage(WAIT).isSuccess());
        Eventually.waitFor(WAIT, "the script's answer", () -> transcript("q1").contains("size=30 100 got=one,two"));
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void pastTheBoundInputIsRefusedAtOnceAsNotReadyAndTheRestIsApplied(TestEngine engine) throws Exception {
        start(engine, "kaged.sessions.max-waiting-commands = 2");
        create("q2", "read a; read b; echo \"got=$a,$b\"; sleep 600", RestartPolicy.NEVER);
        TestProbe<StatusReply<Done>> one = input("q2", "one\n");
        TestProbe<StatusReply<Done>> two = input("q2", "two\n");
        StatusReply<Done> three = input("q2", "three\n").receiveMessage(WAIT);
        assertTrue(three.isError(), "over the bound: " + three);
        ProcessNotReady refusal = assertInstanceOf(ProcessNotReady.class, three.getError());
        assertTrue(refusal.getMessage().contains("2 commands are already waiting"), refusal.getMessage());

        gate.countDown();
        assertTrue(one.receiveMessage(WAIT).isSuccess());
        assertTrue(two.receiveMessage(WAIT).isSuccess());
        Eventually.waitFor(WAIT, "the script's answer", () -> transcript("q2").contains("got=one,two"));
        assertTrue(!transcript("q2").contains("three"), transcript("q2"));
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void inputWaitingForAStartThatFailsIsRefusedWithTheReason(TestEngine engine) throws Exception {
        failingStarts.set(1);
        start(engine, "");
        create("q3", "exec cat", RestartPolicy.ALWAYS);
        TestProbe<StatusReply<Done>> early = input("q3", "early\n");
        reached("q3");
        gate.countDown();
        StatusReply<Done> refused = early.receiveMessage(WAIT);
        assertTrue(refused.isError(), "expected a refusal, got " + refused);
        assertEquals(
                "the process failed to start: no such program (test)",
                refused.getError().getMessage());
        // the restart policy starts it again, and input sent now reaches it
        assertTrue(input("q3", "later\n").receiveMessage(WAIT).isSuccess());
        Eventually.waitFor(WAIT, "the later input", () -> transcript("q3").contains("later"));
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void inputThatWaitedTooLongIsRefusedAsNotReadyAndNeverApplied(TestEngine engine) throws Exception {
        start(engine, "kaged.sessions.max-command-wait = 300ms");
        create("q4", "read a; echo \"got=$a\"; sleep 600", RestartPolicy.NEVER);
        StatusReply<Done> late = input("q4", "late\n").receiveMessage(WAIT);
        assertInstanceOf(ProcessNotReady.class, late.getError());
        gate.countDown();
        assertTrue(input("q4", "now\n").receiveMessage(WAIT).isSuccess());
        Eventually.waitFor(WAIT, "the later input", () -> transcript("q4").contains("got=now"));
        assertTrue(!transcript("q4").contains("late"), transcript("q4"));
    }

    /**
     * A restart sent while a closed session's process is still on its way out (it ignores SIGHUP and SIGTERM, so
     * it lives out the kill grace) waits for the exit and then restarts, rather than answering "try again".
     */
    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aRestartSentWhileTheClosedProcessIsStillExitingWaitsForTheExit(TestEngine engine) throws Exception {
        start(engine, "kaged.sessions.kill-grace = 1s");
        gate.countDown();
        create("s1", "trap '' HUP TERM; echo trapped; while :; do sleep 0.1; done", RestartPolicy.NEVER);
        Eventually.waitFor(WAIT, "the trap is set", () -> transcript("s1").contains("trapped"));

        TestProbe<StatusReply<SessionSummary>> closed = kit.createTestProbe();
        sessions.tell(new SessionSupervisor.Deliver("s1", new SessionActor.Terminate(closed.ref())));
        assertEquals("closed", closed.receiveMessage(WAIT).getValue().state());
        TestProbe<StatusReply<SessionSummary>> restarted = kit.createTestProbe();
        sessions.tell(new SessionSupervisor.Deliver("s1", new SessionActor.Restart(restarted.ref())));

        StatusReply<SessionSummary> answer = restarted.receiveMessage(WAIT);
        assertTrue(answer.isSuccess(), () -> "refused: " + answer.getError().getMessage());
        assertTrue(
                List.of("starting", "running").contains(answer.getValue().state()),
                answer.getValue().state());
        Eventually.waitFor(
                WAIT, "the restarted shell prints again", () -> transcript("s1").split("trapped", -1).length == 3);
    }
}
