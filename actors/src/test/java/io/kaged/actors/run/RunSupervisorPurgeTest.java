package io.kaged.actors.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.persistence.audit.AuditLog;
import io.kaged.persistence.store.StoreExtension;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link RunSupervisor.Purge}: actors stopped first, live runs refused, commands held until the rows are gone. */
class RunSupervisorPurgeTest {

    @TempDir
    Path home;

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void refusesToPurgeALiveRunAndNeverRunsTheDeletion(TestEngine engine) throws Exception {
        try (RunFixture f = new RunFixture(TestDatabases.newStoreUrl(engine, home), home)) {
            f.dispatch("live", 0, "sleep", "30");
            Eventually.waitFor(
                    RunFixture.WAIT, "running", () -> f.view("live").state().equals("running"));
            AtomicBoolean deleted = new AtomicBoolean();
            TestProbe<StatusReply<String>> probe = f.kit.createTestProbe();
            f.runs.tell(new RunSupervisor.Purge<>(
                    List.of("live"),
                    () -> {
                        deleted.set(true);
                        return CompletableFuture.completedFuture("deleted");
                    },
                    probe.ref()));
            StatusReply<String> reply = probe.receiveMessage(RunFixture.WAIT);
            assertTrue(reply.isError(), reply.toString());
            assertTrue(
                    reply.getError().getMessage().contains("live"),
                    reply.getError().getMessage());
            assertFalse(deleted.get(), "a refused purge deletes nothing");
            assertEquals(
                    "running",
                    f.<RunSummary>ask("live", RunActor.GetSummary::new)
                            .getValue()
                            .state(),
                    "the live run's actor stays and answers");
            assertEquals(
                    "cancelled",
                    f.<RunSummary>ask("live", RunActor.Cancel::new).getValue().state());
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void holdsCommandsUntilThePurgeHasDeletedThenAFreshActorFindsNoRun(TestEngine engine) throws Exception {
        try (RunFixture f = new RunFixture(TestDatabases.newStoreUrl(engine, home), home)) {
            f.dispatch("done", 0, "/bin/echo", "bye");
            Eventually.waitFor(
                    RunFixture.WAIT, "succeeded", () -> f.view("done").state().equals("succeeded"));
            RunPurge purger =
                    new RunPurge(StoreExtension.store(f.kit.system().classicSystem()), new AuditLog(Clock.systemUTC()));
            CompletableFuture<Void> gate = new CompletableFuture<>();
            TestProbe<StatusReply<RunPurge.Outcome>> purged = f.kit.createTestProbe();
            f.runs.tell(new RunSupervisor.Purge<>(
                    List.of("done"),
                    () -> gate.thenCompose(go -> purger.purge("done", Set.of("done"), "test")),
                    purged.ref()));

            TestProbe<StatusReply<RunSummary>> asker = f.kit.createTestProbe();
            f.runs.tell(new RunSupervisor.Deliver("done", new RunActor.GetSummary(asker.ref())));
            asker.expectNoMessage(Duration.ofMillis(300));
            gate.complete(null);

            StatusReply<RunPurge.Outcome> outcome = purged.receiveMessage(RunFixture.WAIT);
            assertInstanceOf(RunPurge.Purged.class, outcome.getValue());
            StatusReply<RunSummary> held = asker.receiveMessage(RunFixture.WAIT);
            assertEquals("no such run", held.getError().getMessage(), "the held command reaches a fresh actor");
            assertTrue(f.queries.get("done").join().isEmpty());
            assertEquals(
                    "no such run",
                    f.<RunSummary>ask("done", RunActor.Pause::new).getError().getMessage());
        }
    }
}
