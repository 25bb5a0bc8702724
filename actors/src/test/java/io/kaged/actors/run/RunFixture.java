package io.kaged.actors.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kaged.persistence.store.StoreExtension;
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

/** A run supervisor in a test actor system on a real store, with the run projection registered. */
final class RunFixture implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(20);

    final ActorTestKit kit;
    final ActorRef<RunSupervisor.Command> runs;
    final RunQueries queries;
    private final ExecutorService blocking = Executors.newCachedThreadPool();

    RunFixture(String url, Path home) {
        this(url, home, "");
    }

    /** @param overrides HOCON that overrides the test system's config, e.g. {@code kaged.runs.passivate-after} */
    RunFixture(String url, Path home, String overrides) {
        this(url, home, overrides, runId -> Map.of());
    }

    /**
     * @param kagedEnvironment asked for each start, on the thread that starts the process: a test may hold a
     *     start back here
     */
    RunFixture(
            String url,
            Path home,
            String overrides,
            java.util.function.Function<String, Map<String, String>> kagedEnvironment) {
        kit = TestSystems.kit(
                "runs",
                com.typesafe.config.ConfigFactory.parseString(overrides).withFallback(TestSystems.config(url, home)),
                List.of(new RunProjection()));
        RunSettings settings = RunSettings.fromConfig(kit.system().settings().config());
        runs = kit.spawn(RunSupervisor.create(
                settings, new RunLauncher(blocking, kagedEnvironment), blocking, Clock.systemUTC()));
        queries = new RunQueries(StoreExtension.store(kit.system().classicSystem()));
    }

    /** Dispatches {@code argv} as run {@code id} and checks it was recorded as queued. */
    void dispatch(String id, int retries, String... argv) {
        RunSpec spec = new RunSpec(List.of(argv), null, Map.of(), null, null, null, null, null, retries);
        assertEquals(
                "queued",
                this.<RunSummary>ask(id, r -> new RunActor.Dispatch(spec, r))
                        .getValue()
                        .state());
    }

    /** Dispatches {@code spec} as run {@code id} and checks it was recorded as queued. */
    void dispatch(String id, RunSpec spec) {
        assertEquals(
                "queued",
                this.<RunSummary>ask(id, r -> new RunActor.Dispatch(spec, r))
                        .getValue()
                        .state());
    }

    /** Run {@code id}'s journal events of class {@code type}, oldest first. */
    <E> List<E> events(String id, Class<E> type) {
        var journal = new io.kaged.persistence.journal.JournalEvents(
                StoreExtension.store(kit.system().classicSystem()),
                new io.kaged.persistence.serialization.PayloadCodec(kit.system().classicSystem()));
        return journal.after(RunActor.persistenceId(id).id(), 0, 10_000).join().stream()
                .map(io.kaged.persistence.journal.JournalEvents.StoredEvent::event)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    <T> StatusReply<T> ask(String id, java.util.function.Function<ActorRef<StatusReply<T>>, RunActor.Command> make) {
        TestProbe<StatusReply<T>> probe = kit.createTestProbe();
        runs.tell(new RunSupervisor.Deliver(id, make.apply(probe.ref())));
        return probe.receiveMessage(WAIT);
    }

    RunView view(String id) {
        return queries.get(id).join().orElseThrow();
    }

    String output(String id, boolean withSuperseded) {
        return new String(queries.output(id, null, withSuperseded).join(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Whether run {@code id} has a live actor now. */
    boolean hasActor(String id) {
        try {
            kit.system()
                    .classicSystem()
                    .actorSelection(runs.path().child("run-" + id))
                    .resolveOne(Duration.ofSeconds(1))
                    .toCompletableFuture()
                    .join();
            return true;
        } catch (java.util.concurrent.CompletionException e) {
            return false;
        }
    }

    @Override
    public void close() {
        kit.shutdownTestKit();
        blocking.shutdownNow();
    }
}
