package io.kaged.persistence.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import io.kaged.persistence.testing.TestEvent;
import io.kaged.persistence.testing.TestSystems;
import io.kaged.persistence.testing.UnserializableEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;

/** The Pekko snapshot-store contract, in the store's own protocol, once per engine. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SnapshotStoreContractTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path home;

    private ActorTestKit testKit;
    private ActorRef store;
    private TestProbe<Object> probe;

    abstract TestEngine engine();

    @BeforeAll
    void startSystem() {
        String url = TestDatabases.newStoreUrl(engine(), home);
        testKit = ActorTestKit.create("snapshot-contract", TestSystems.config(url, home));
        store = Persistence.get(Adapter.toClassic(testKit.system()))
                .snapshotStoreFor("kaged.persistence.snapshot-store", ConfigFactory.empty());
        probe = testKit.createTestProbe();
    }

    @AfterAll
    void stopSystem() {
        testKit.shutdownTestKit();
    }

    /**
     * Saves snapshots at sequence numbers 1..5, a few milliseconds apart; Pekko stamps each with the time
     * of saving, so the returned metadata carries the real timestamps.
     */
    private List<SnapshotMetadata> saveFive(String pid) {
        List<SnapshotMetadata> saved = new ArrayList<>();
        for (int seq = 1; seq <= 5; seq++) {
            saved.add(save(pid, seq, TestEvent.of("s-" + seq)));
            sleepPastCurrentMilli();
        }
        return saved;
    }

    private SnapshotMetadata save(String pid, long seq, Object state) {
        store.tell(
                new SnapshotProtocol.SaveSnapshot(SnapshotMetadata.apply(pid, seq, 0L), state),
                Adapter.toClassic(probe.ref()));
        org.apache.pekko.persistence.SaveSnapshotSuccess ok =
                probe.expectMessageClass(org.apache.pekko.persistence.SaveSnapshotSuccess.class, WAIT);
        assertEquals(seq, ok.metadata().sequenceNr());
        return ok.metadata();
    }

    private static void sleepPastCurrentMilli() {
        try {
            Thread.sleep(3);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Option<SelectedSnapshot> load(String pid, SnapshotSelectionCriteria criteria) {
        store.tell(new SnapshotProtocol.LoadSnapshot(pid, criteria, Long.MAX_VALUE), Adapter.toClassic(probe.ref()));
        return probe.expectMessageClass(SnapshotProtocol.LoadSnapshotResult.class, WAIT)
                .snapshot();
    }

    private static String newId() {
        return "s-" + UUID.randomUUID();
    }

    @Test
    void loadsNothingForAnUnknownId() {
        assertTrue(load(newId(), SnapshotSelectionCriteria.latest()).isEmpty());
    }

    @Test
    void loadsTheLatestSnapshot() {
        String pid = newId();
        List<SnapshotMetadata> saved = saveFive(pid);
        SelectedSnapshot s = load(pid, SnapshotSelectionCriteria.latest()).get();
        assertEquals(5, s.metadata().sequenceNr());
        assertEquals(saved.get(4).timestamp(), s.metadata().timestamp());
        assertEquals(TestEvent.of("s-5"), s.snapshot());
    }

    @Test
    void honoursSequenceNrAndTimestampBounds() {
        String pid = newId();
        List<SnapshotMetadata> saved = saveFive(pid);
        long t2 = saved.get(1).timestamp();
        long t4 = saved.get(3).timestamp();
        assertEquals(
                3,
                load(pid, SnapshotSelectionCriteria.create(3, Long.MAX_VALUE))
                        .get()
                        .metadata()
                        .sequenceNr());
        assertEquals(
                2,
                load(pid, SnapshotSelectionCriteria.create(Long.MAX_VALUE, t2))
                        .get()
                        .metadata()
                        .sequenceNr());
        assertEquals(
                4,
                load(pid, SnapshotSelectionCriteria.create(4, Long.MAX_VALUE, 4, 0))
                        .get()
                        .metadata()
                        .sequenceNr());
        assertEquals(
                4,
                load(pid, SnapshotSelectionCriteria.create(Long.MAX_VALUE, t4, 0, t4))
                        .get()
                        .metadata()
                        .sequenceNr());
        assertTrue(load(pid, SnapshotSelectionCriteria.create(5, Long.MAX_VALUE, 6, 0))
                .isEmpty());
        assertTrue(load(pid, SnapshotSelectionCriteria.create(Long.MAX_VALUE, t2, 0, t4))
                .isEmpty());
        assertTrue(load(pid, SnapshotSelectionCriteria.none()).isEmpty());
    }

    @Test
    void deletesOneSnapshotByMetadata() {
        String pid = newId();
        List<SnapshotMetadata> saved = saveFive(pid);
        store.tell(new SnapshotProtocol.DeleteSnapshot(saved.get(4)), Adapter.toClassic(probe.ref()));
        probe.expectMessageClass(org.apache.pekko.persistence.DeleteSnapshotSuccess.class, WAIT);
        assertEquals(
                4,
                load(pid, SnapshotSelectionCriteria.latest()).get().metadata().sequenceNr());
    }

    @Test
    void deletesSnapshotsMatchingCriteria() {
        String pid = newId();
        saveFive(pid);
        store.tell(
                new SnapshotProtocol.DeleteSnapshots(pid, SnapshotSelectionCriteria.create(3, Long.MAX_VALUE, 2, 0L)),
                Adapter.toClassic(probe.ref()));
        probe.expectMessageClass(org.apache.pekko.persistence.DeleteSnapshotsSuccess.class, WAIT);
        assertEquals(
                5,
                load(pid, SnapshotSelectionCriteria.latest()).get().metadata().sequenceNr());
        assertEquals(
                1,
                load(pid, SnapshotSelectionCriteria.create(3, Long.MAX_VALUE))
                        .get()
                        .metadata()
                        .sequenceNr());
    }

    @Test
    void replacesASnapshotSavedTwiceAtTheSameSequenceNr() {
        String pid = newId();
        List<SnapshotMetadata> saved = saveFive(pid);
        SnapshotMetadata again = save(pid, 5, TestEvent.of("again"));
        SelectedSnapshot s = load(pid, SnapshotSelectionCriteria.latest()).get();
        assertEquals(TestEvent.of("again"), s.snapshot());
        assertEquals(again.timestamp(), s.metadata().timestamp());
        assertTrue(again.timestamp() > saved.get(4).timestamp());
    }

    @Test
    void failsToSaveAnUnserializableSnapshotAndKeepsTheOldOne() {
        String pid = newId();
        saveFive(pid);
        store.tell(
                new SnapshotProtocol.SaveSnapshot(SnapshotMetadata.apply(pid, 6, 600), new UnserializableEvent("x")),
                Adapter.toClassic(probe.ref()));
        probe.expectMessageClass(org.apache.pekko.persistence.SaveSnapshotFailure.class, WAIT);
        assertEquals(
                5,
                load(pid, SnapshotSelectionCriteria.latest()).get().metadata().sequenceNr());
    }
}
