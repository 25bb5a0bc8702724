package io.kaged.actors.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.actors.process.PtyLauncher;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.store.StoreExtension;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import io.kaged.persistence.testing.TestSystems;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Session actors with real shells in real ptys, on the real journal, both engines. */
class SessionActorTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path home;

    private final ExecutorService blocking = Executors.newCachedThreadPool();
    private final PtyLauncher launcher = new PtyLauncher(16 * 1024);
    private ActorTestKit kit;

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.shutdownTestKit();
        }
        launcher.close();
        blocking.shutdownNow();
    }

    private record Env(ActorTestKit kit, ActorRef<SessionSupervisor.Command> sessions, SessionQueries queries) {}

    private Env start(String url) {
        kit = TestSystems.kit("sessions", TestSystems.config(url, home), List.of(new SessionProjection()));
        Store store = StoreExtension.store(kit.system().classicSystem());
        SessionSettings settings =
                SessionSettings.fromConfig(kit.system().settings().config());
        ActorRef<SessionSupervisor.Command> sup =
                kit.spawn(SessionSupervisor.create(settings, launcher, blocking, Clock.systemUTC()));
        return new Env(kit, sup, new SessionQueries(store));
    }

    private static SessionSpec shell(String script, RestartPolicy restart) {
        return new SessionSpec(List.of("/bin/sh", "-c", script), null, Map.of(), 80, 24, "t", "p", restart, null, null);
    }

    private static SessionSummary create(Env env, String id, SessionSpec spec) {
        TestProbe<StatusReply<SessionSummary>> probe = env.kit().createTestProbe();
        env.sessions().tell(new SessionSupervisor.Deliver(id, new SessionActor.Create(spec, probe.ref())));
        return probe.receiveMessage(WAIT).getValue();
    }

    private static void eventually(Supplier<Boolean> condition, String what) throws InterruptedException {
        io.kaged.persistence.testing.Eventually.waitFor(WAIT, what, condition::get);
    }

    private static String transcript(Env env, String id) {
        return new String(env.queries().transcript(id, Long.MAX_VALUE).join(), StandardCharsets.UTF_8);
    }

    private static String state(Env env, String id) {
        return env.queries().get(id).join().map(SessionView::state).orElse("missing");
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void recordsOutputAndExitOfAShortProcess(TestEngine engine) throws Exception {
        Env env = start(TestDatabases.newStoreUrl(engine, home));
        assertEquals(
                "starting",
                create(env, "s1", shell("echo hello; echo bye; exit 3", RestartPolicy.NEVER))
                        .state());
        eventually(() -> state(env, "s1").equals("exited"), "exit");
        SessionView v = env.queries().get("s1").join().orElseThrow();
        assertEquals(3, v.exitCode());
        assertTrue(transcript(env, "s1").contains("hello\r\nbye"), transcript(env, "s1"));
        assertEquals(transcript(env, "s1").getBytes(StandardCharsets.UTF_8).length, v.transcriptBytes());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void typesIntoAShellAndRefusesInputWhilePaused(TestEngine engine) throws Exception {
        Env env = start(TestDatabases.newStoreUrl(engine, home));
        create(env, "s2", shell("exec cat", RestartPolicy.NEVER));
        eventually(() -> state(env, "s2").equals("running"), "running");
        TestProbe<StatusReply<Done>> ack = env.kit().createTestProbe();
        env.sessions()
                .tell(new SessionSupervisor.Deliver(
                        "s2", new SessionActor.Input("typed-line\n".getBytes(StandardCharsets.UTF_8), ack.ref())));
        assertTrue(ack.receiveMessage(WAIT).isSuccess());
        eventually(() -> transcript(env, "s2").split("typed-line", -1).length >= 3, "echo and cat output");

        TestProbe<StatusReply<SessionSummary>> replies = env.kit().createTestProbe();
        env.sessions().tell(new SessionSupervisor.Deliver("s2", new SessionActor.Pause(replies.ref())));
        assertEquals("paused", replies.receiveMessage(WAIT).getValue().state());
        env.sessions()
                .tell(new SessionSupervisor.Deliver(
                        "s2", new SessionActor.Input("x".getBytes(StandardCharsets.UTF_8), ack.ref())));
        StatusReply<Done> refused = ack.receiveMessage(WAIT);
        assertTrue(refused.isError());
        assertTrue(refused.getError().getMessage().contains("paused"));
        env.sessions().tell(new SessionSupervisor.Deliver("s2", new SessionActor.Pause(replies.ref())));
        assertTrue(replies.receiveMessage(WAIT).isError());
        env.sessions().tell(new SessionSupervisor.Deliver("s2", new SessionActor.Resume(replies.ref())));
        assertEquals("running", replies.receiveMessage(WAIT).getValue().state());

        env.sessions().tell(new SessionSupervisor.Deliver("s2", new SessionActor.Terminate(replies.ref())));
        assertEquals("closed", replies.receiveMessage(WAIT).getValue().state());
        eventually(() -> env.queries().get("s2").join().orElseThrow().exitCode() != null, "exit code after close");
        assertEquals("closed", state(env, "s2"));
    }

    /** An ended session started again by hand: the same command, its transcript kept, a restart counted. */
    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void restartsAnEndedSessionByHandKeepingItsTranscript(TestEngine engine) throws Exception {
        Env env = start(TestDatabases.newStoreUrl(engine, home));
        create(env, "r1", shell("echo round-$$; exit 4", RestartPolicy.NEVER));
        eventually(() -> state(env, "r1").equals("exited"), "first exit");
        TestProbe<StatusReply<SessionSummary>> replies = env.kit().createTestProbe();

        env.sessions().tell(new SessionSupervisor.Deliver("r1", new SessionActor.Restart(replies.ref())));
        SessionSummary restarted = replies.receiveMessage(WAIT).getValue();
        assertEquals("starting", restarted.state());
        assertEquals(1, restarted.restarts());
        eventually(() -> transcript(env, "r1").split("round-", -1).length == 3, "output of both processes");
        eventually(() -> state(env, "r1").equals("exited"), "second exit");
        SessionView v = env.queries().get("r1").join().orElseThrow();
        assertEquals(4, v.exitCode());
        assertEquals(1, v.restarts());

        create(env, "r2", shell("exec cat", RestartPolicy.NEVER));
        eventually(() -> state(env, "r2").equals("running"), "running");
        env.sessions().tell(new SessionSupervisor.Deliver("r2", new SessionActor.Restart(replies.ref())));
        StatusReply<SessionSummary> refused = replies.receiveMessage(WAIT);
        assertTrue(refused.isError());
        assertTrue(refused.getError().getMessage().contains("only an ended or interrupted session"));
        env.sessions().tell(new SessionSupervisor.Deliver("r2", new SessionActor.Terminate(replies.ref())));
        assertEquals("closed", replies.receiveMessage(WAIT).getValue().state());
        eventually(() -> env.queries().get("r2").join().orElseThrow().exitCode() != null, "closed and exited");
        env.sessions().tell(new SessionSupervisor.Deliver("r2", new SessionActor.Restart(replies.ref())));
        assertEquals("starting", replies.receiveMessage(WAIT).getValue().state());
        eventually(() -> state(env, "r2").equals("running"), "a closed session running again");
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void restartsAFailingProcessOnFailureWithBackoff(TestEngine engine) throws Exception {
        Env env = start(TestDatabases.newStoreUrl(engine, home));
        create(env, "s3", shell("echo run; exit 1", RestartPolicy.ON_FAILURE));
        eventually(() -> env.queries().get("s3").join().orElseThrow().restarts() >= 1, "a restart");
        eventually(() -> transcript(env, "s3").split("run", -1).length >= 3, "output of two runs");
        TestProbe<StatusReply<SessionSummary>> replies = env.kit().createTestProbe();
        env.sessions().tell(new SessionSupervisor.Deliver("s3", new SessionActor.Terminate(replies.ref())));
        assertEquals("closed", replies.receiveMessage(WAIT).getValue().state());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void comesBackInterruptedAndRestartedAfterTheActorSystemDies(TestEngine engine) throws Exception {
        String url = TestDatabases.newStoreUrl(engine, home);
        Env first = start(url);
        create(first, "s4", shell("echo first-life; exec sleep 600", RestartPolicy.ALWAYS));
        eventually(() -> transcript(first, "s4").contains("first-life"), "first output");
        long firstPid = first.queries().get("s4").join().orElseThrow().pid();
        kit.shutdownTestKit();
        kit = null;
        new ProcessBuilder("kill", "-KILL", "--", "-" + firstPid).start().waitFor();

        Env second = start(url);
        second.sessions()
                .tell(new SessionSupervisor.Recover(second.queries().live().join()));
        eventually(
                () -> {
                    SessionView v = second.queries().get("s4").join().orElseThrow();
                    return v.state().equals("running") && v.pid() != null && v.pid() != firstPid;
                },
                "restart after recovery");
        eventually(() -> transcript(second, "s4").split("first-life", -1).length >= 3, "output of the new life");
        assertTrue(transcript(second, "s4").startsWith("first-life"));
        TestProbe<StatusReply<SessionSummary>> replies = second.kit().createTestProbe();
        second.sessions().tell(new SessionSupervisor.Deliver("s4", new SessionActor.Terminate(replies.ref())));
        assertEquals("closed", replies.receiveMessage(WAIT).getValue().state());
    }

    /**
     * A pause is recorded before the process group is stopped: were the persist to fail, the process would
     * still run, as the recorded state says. The launcher's process notes the session's recorded state at
     * the moment it receives SIGSTOP.
     */
    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void recordsAPauseBeforeItStopsTheProcess(TestEngine engine) throws Exception {
        kit = TestSystems.kit(
                "sessions",
                TestSystems.config(TestDatabases.newStoreUrl(engine, home), home),
                List.of(new SessionProjection()));
        Store store = StoreExtension.store(kit.system().classicSystem());
        SessionQueries queries = new SessionQueries(store);
        List<String> stateAtSignal = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.kaged.actors.process.ProcessLauncher noting = (spec, sink) -> {
            io.kaged.actors.process.RunningProcess real = launcher.start(spec, sink);
            return new io.kaged.actors.process.RunningProcess() {
                @Override
                public long pid() {
                    return real.pid();
                }

                @Override
                public void write(byte[] data) {
                    real.write(data);
                }

                @Override
                public void resize(int cols, int rows) {
                    real.resize(cols, rows);
                }

                @Override
                public void signal(io.kaged.actors.process.Signal signal) {
                    if (signal == io.kaged.actors.process.Signal.STOP) {
                        stateAtSignal.add(state(queries, "s5"));
                    }
                    real.signal(signal);
                }
            };
        };
        ActorRef<SessionSupervisor.Command> sessions = kit.spawn(SessionSupervisor.create(
                SessionSettings.fromConfig(kit.system().settings().config()), noting, blocking, Clock.systemUTC()));
        Env env = new Env(kit, sessions, queries);
        create(env, "s5", shell("exec sleep 600", RestartPolicy.NEVER));
        eventually(() -> state(env, "s5").equals("running"), "running");
        TestProbe<StatusReply<SessionSummary>> replies = kit.createTestProbe();
        sessions.tell(new SessionSupervisor.Deliver("s5", new SessionActor.Pause(replies.ref())));
        assertEquals("paused", replies.receiveMessage(WAIT).getValue().state());
        eventually(() -> !stateAtSignal.isEmpty(), "SIGSTOP sent");
        assertEquals(List.of("paused"), stateAtSignal);
        sessions.tell(new SessionSupervisor.Deliver("s5", new SessionActor.Terminate(replies.ref())));
        assertEquals("closed", replies.receiveMessage(WAIT).getValue().state());
    }

    private static String state(SessionQueries queries, String id) {
        return queries.get(id).join().map(SessionView::state).orElse("missing");
    }
}
