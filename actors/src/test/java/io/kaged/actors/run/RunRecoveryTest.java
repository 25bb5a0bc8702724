package io.kaged.actors.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kaged.persistence.journal.JournalProjections;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.store.StoreExtension;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import io.kaged.persistence.testing.TestSystems;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A run whose actor system dies under it is recovered from the journal by the next one: marked
 * interrupted, and retried only if it has attempts left — never lost, never running twice.
 */
class RunRecoveryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path home;

    private final ExecutorService blocking = Executors.newCachedThreadPool();
    private ActorTestKit kit;

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.shutdownTestKit();
        }
        blocking.shutdownNow();
    }

    private record Env(ActorRef<RunSupervisor.Command> runs, RunQueries queries) {}

    private Env start(String url) {
        kit = ActorTestKit.create("runs", TestSystems.config(url, home));
        Store store = StoreExtension.store(kit.system().classicSystem());
        JournalProjections.get(kit.system().classicSystem()).register(new RunProjection());
        RunSettings settings = RunSettings.fromConfig(kit.system().settings().config());
        return new Env(
                kit.spawn(RunSupervisor.create(
                        settings, new RunLauncher(blocking, runId -> Map.of()), blocking, Clock.systemUTC())),
                new RunQueries(store));
    }

    private void dispatch(Env env, String id, int retries) {
        TestProbe<StatusReply<RunSummary>> probe = kit.createTestProbe();
        RunSpec spec = new RunSpec(List.of("sleep", "600"), null, Map.of(), null, null, null, null, null, retries);
        env.runs().tell(new RunSupervisor.Deliver(id, new RunActor.Dispatch(spec, probe.ref())));
        assertEquals("queued", probe.receiveMessage(WAIT).getValue().state());
    }

    private static RunView view(Env env, String id) {
        return env.queries().get(id).join().orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void retriesAnInterruptedRunWithAttemptsLeftAndEndsOneWithout(TestEngine engine) throws Exception {
        String url = TestDatabases.newStoreUrl(engine, home);
        Env first = start(url);
        dispatch(first, "with-retry", 1);
        dispatch(first, "no-retry", 0);
        Eventually.waitFor(
                WAIT,
                "both running",
                () -> view(first, "with-retry").state().equals("running")
                        && view(first, "no-retry").state().equals("running"));
        kit.shutdownTestKit();
        kit = null;

        Env second = start(url);
        second.runs().tell(new RunSupervisor.Recover(second.queries().live().join()));
        Eventually.waitFor(
                WAIT,
                "the retry",
                () -> view(second, "with-retry").state().equals("running")
                        && view(second, "with-retry").attempts() == 2);
        Eventually.waitFor(
                WAIT, "interrupted", () -> view(second, "no-retry").state().equals("interrupted"));
        assertEquals(1, view(second, "no-retry").attempts());
        TestProbe<StatusReply<RunSummary>> probe = kit.createTestProbe();
        second.runs().tell(new RunSupervisor.Deliver("with-retry", new RunActor.Cancel(probe.ref())));
        assertEquals("cancelled", probe.receiveMessage(WAIT).getValue().state());
    }
}
