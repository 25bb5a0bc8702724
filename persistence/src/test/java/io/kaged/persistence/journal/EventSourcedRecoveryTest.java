package io.kaged.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.kaged.persistence.testing.GroupWriter;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import io.kaged.persistence.testing.TestSystems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The plugin used as any third-party journal would be: a bare actor system whose config sets only {@code
 * kaged.storage.url}; a typed event-sourced actor persists, is stopped, and a new actor system recovers it.
 */
class EventSourcedRecoveryTest {

    @TempDir
    Path dir;

    private ActorTestKit bareSystem(String url) {
        return ActorTestKit.create(
                "bare",
                ConfigFactory.empty()
                        .withValue("kaged.storage.url", ConfigValueFactory.fromAnyRef(url))
                        .withFallback(ConfigFactory.load()));
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void replaysEventsAfterRestartFromSnapshotAndJournal(TestEngine engine) {
        String url = TestDatabases.newStoreUrl(engine, dir);
        List<String> expected = new ArrayList<>();
        ActorTestKit first = bareSystem(url);
        try {
            TestProbe<GroupWriter.State> probe = first.createTestProbe();
            ActorRef<GroupWriter.Command> writer = first.spawn(GroupWriter.create("recover-me", 4));
            for (int g = 0; g < 5; g++) {
                writer.tell(new GroupWriter.Write(g, 3, probe.ref()));
                probe.receiveMessage(Duration.ofSeconds(10));
                for (int i = 0; i < 3; i++) {
                    expected.add("g" + g + "-" + i);
                }
            }
        } finally {
            first.shutdownTestKit();
        }
        ActorTestKit second = bareSystem(url);
        try {
            TestProbe<GroupWriter.State> probe = second.createTestProbe();
            ActorRef<GroupWriter.Command> recovered = second.spawn(GroupWriter.create("recover-me", 4));
            recovered.tell(new GroupWriter.Get(probe.ref()));
            assertEquals(expected, probe.receiveMessage(Duration.ofSeconds(10)).texts());
            recovered.tell(new GroupWriter.Write(99, 1, probe.ref()));
            assertEquals(
                    16, probe.receiveMessage(Duration.ofSeconds(10)).texts().size());
        } finally {
            second.shutdownTestKit();
        }
    }

    /**
     * The journal actor shares the default dispatcher with the actors that persist; the database work must
     * still run on the store's write lanes. A projection runs inside the lane's transaction, so its thread
     * is the one that holds the connection.
     */
    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void theJournalsTransactionsRunOnTheWriteLanesNotOnAnActorDispatcher(TestEngine engine) {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        JournalProjection recordsItsThread = (connection, id, seq, timestamp, event) ->
                threads.add(Thread.currentThread().getName());
        ActorTestKit system = TestSystems.kit(
                "lanes",
                ConfigFactory.empty()
                        .withValue(
                                "kaged.storage.url",
                                ConfigValueFactory.fromAnyRef(TestDatabases.newStoreUrl(engine, dir)))
                        .withFallback(ConfigFactory.load()),
                List.of(recordsItsThread));
        try {
            TestProbe<GroupWriter.State> probe = system.createTestProbe();
            ActorRef<GroupWriter.Command> writer = system.spawn(GroupWriter.create("lane-threads", 100));
            for (int g = 0; g < 3; g++) {
                writer.tell(new GroupWriter.Write(g, 2, probe.ref()));
                probe.receiveMessage(Duration.ofSeconds(10));
            }
            assertFalse(threads.isEmpty(), "the projection saw the events");
            for (String thread : threads) {
                assertTrue(thread.startsWith("kaged-jdbc-write-"), "a journal transaction ran on " + thread);
            }
        } finally {
            system.shutdownTestKit();
        }
    }
}
