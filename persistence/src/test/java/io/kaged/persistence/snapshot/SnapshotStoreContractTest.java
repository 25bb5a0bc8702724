package io.kaged.persistence.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.store.StoreExtension;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import io.kaged.persistence.testing.TestEvent;
import io.kaged.persistence.testing.TestPayload;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;

/**
 * The Pekko snapshot-store contract, in the store's own protocol, once per engine, with the config Pekko's
 * plugin TCK sets ({@code publish-plugin-commands = on}, a payload whose serializer needs the system).
 *
 * <p>Every case of {@code pekko-persistence-tck} 1.1.x {@code SnapshotStoreSpec}, with every optional
 * capability switched on ({@code supportsSerialization}, {@code supportsMetadata}), and the test that
 * covers it here. The TCK's set-up (string snapshots {@code s-1}…{@code s-5} at sequence numbers 11–15)
 * is {@link #writeTckSnapshots}; the TCK-named cases start from it. The TCK's {@code
 * JavaSnapshotStoreSpec} runs these same cases for JUnit.
 *
 * <table>
 * <caption>TCK case → test</caption>
 * <tr><td>not load a snapshot given an invalid persistenceId</td>
 *     <td>{@link #loadsNothingForAnUnknownId}</td></tr>
 * <tr><td>not load a snapshot given non-matching timestamp criteria</td>
 *     <td>{@link #loadsNothingWhenNoSnapshotIsOldEnough}</td></tr>
 * <tr><td>not load a snapshot given non-matching sequence number criteria</td>
 *     <td>{@link #loadsNothingBelowTheSequenceNrBoundOrLimit}</td></tr>
 * <tr><td>load the most recent snapshot</td><td>{@link #loadsTheLatestSnapshot},
 *     {@link #loadsTheNewestTckSnapshotWithinBounds}</td></tr>
 * <tr><td>load the most recent snapshot matching an upper sequence number bound</td>
 *     <td>{@link #loadsTheNewestTckSnapshotWithinBounds}, {@link #honoursSequenceNrAndTimestampBounds}</td></tr>
 * <tr><td>load the most recent snapshot matching upper sequence number and timestamp bounds</td>
 *     <td>{@link #loadsTheNewestTckSnapshotWithinBounds}, {@link #honoursSequenceNrAndTimestampBounds}</td></tr>
 * <tr><td>delete a single snapshot identified by sequenceNr in snapshot metadata (published)</td>
 *     <td>{@link #deletesOneSnapshotBySequenceNrAndPublishesTheCommand}, {@link #deletesOneSnapshotByMetadata}</td></tr>
 * <tr><td>delete all snapshots matching upper sequence number and timestamp bounds (published)</td>
 *     <td>{@link #deletesEverySnapshotWithinBoundsAndPublishesTheCommand},
 *     {@link #deletesSnapshotsMatchingCriteria}</td></tr>
 * <tr><td>not delete snapshots with non-matching upper timestamp bounds (published)</td>
 *     <td>{@link #keepsSnapshotsNewerThanTheDeleteTimestampBound}</td></tr>
 * <tr><td>save and overwrite snapshot with same sequence number</td>
 *     <td>{@link #replacesASnapshotSavedTwiceAtTheSameSequenceNr}</td></tr>
 * <tr><td>save bigger size snapshot (10000 bytes)</td><td>{@link #savesLargeSnapshots}</td></tr>
 * <tr><td>(optional) serialize snapshots</td><td>{@link #serializesSnapshotsThatNeedTheActorSystem}</td></tr>
 * <tr><td>(optional) store metadata</td><td>{@link #storesAndLoadsSnapshotMetadata}; also
 *     {@link #storesStructuredSnapshotMetadataAndReplacesItOnOverwrite},
 *     {@link #failsToSaveASnapshotWhoseMetadataCannotBeSerialized},
 *     {@link #loadsSnapshotsSavedBeforeMetadataWasStored}</td></tr>
 * </table>
 */
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
        testKit = ActorTestKit.create("snapshot-contract", TestSystems.pluginContract(url, home));
        store = Persistence.get(Adapter.toClassic(testKit.system()))
                .snapshotStoreFor("kaged.persistence.snapshot-store", ConfigFactory.empty());
    }

    /** A probe of its own for each test, so that one test's late replies never reach the next. */
    @BeforeEach
    void newProbe() {
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
        assertEquals(
                new SnapshotProtocol.LoadSnapshotResult(Option.empty(), Long.MAX_VALUE),
                loadResult("invalid-" + newId(), SnapshotSelectionCriteria.latest(), Long.MAX_VALUE));
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

    // ---- Pekko's plugin TCK (SnapshotStoreSpec), case by case; see the class Javadoc ----

    /** The TCK's set-up: string snapshots s-1…s-5 at sequence numbers 11–15, saved in turn. */
    private List<SnapshotMetadata> writeTckSnapshots(String pid) {
        List<SnapshotMetadata> saved = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            saved.add(save(pid, i + 10, "s-" + i));
            sleepPastCurrentMilli();
        }
        return saved;
    }

    private SnapshotProtocol.LoadSnapshotResult loadResult(
            String pid, SnapshotSelectionCriteria criteria, long toSequenceNr) {
        store.tell(new SnapshotProtocol.LoadSnapshot(pid, criteria, toSequenceNr), Adapter.toClassic(probe.ref()));
        return probe.expectMessageClass(SnapshotProtocol.LoadSnapshotResult.class, WAIT);
    }

    private static SnapshotProtocol.LoadSnapshotResult found(SnapshotMetadata md, Object state, long toSequenceNr) {
        return new SnapshotProtocol.LoadSnapshotResult(Option.apply(SelectedSnapshot.create(md, state)), toSequenceNr);
    }

    private static SnapshotProtocol.LoadSnapshotResult none(long toSequenceNr) {
        return new SnapshotProtocol.LoadSnapshotResult(Option.empty(), toSequenceNr);
    }

    /** Subscribes a probe to the snapshot commands the store publishes. */
    private TestProbe<Object> published(Class<?> command) {
        TestProbe<Object> published = testKit.createTestProbe();
        Adapter.toClassic(testKit.system()).getEventStream().subscribe(Adapter.toClassic(published.ref()), command);
        return published;
    }

    private void unsubscribe(TestProbe<Object> published) {
        Adapter.toClassic(testKit.system()).getEventStream().unsubscribe(Adapter.toClassic(published.ref()));
    }

    /** Skips what other tests' commands published late; fails unless {@code expected} comes. */
    private static void expectPublished(TestProbe<Object> published, Object expected, String pid) {
        while (true) {
            Object msg = published.receiveMessage(WAIT);
            String about = msg instanceof SnapshotProtocol.DeleteSnapshot d
                    ? d.metadata().persistenceId()
                    : msg instanceof SnapshotProtocol.DeleteSnapshots ds ? ds.persistenceId() : null;
            if (pid.equals(about)) {
                assertEquals(expected, msg);
                return;
            }
        }
    }

    @Test
    void loadsNothingWhenNoSnapshotIsOldEnough() {
        String pid = newId();
        writeTckSnapshots(pid);
        assertEquals(
                none(Long.MAX_VALUE),
                loadResult(pid, SnapshotSelectionCriteria.create(Long.MAX_VALUE, 100), Long.MAX_VALUE));
    }

    @Test
    void loadsNothingBelowTheSequenceNrBoundOrLimit() {
        String pid = newId();
        writeTckSnapshots(pid);
        assertEquals(
                none(Long.MAX_VALUE),
                loadResult(pid, SnapshotSelectionCriteria.create(7, Long.MAX_VALUE), Long.MAX_VALUE));
        assertEquals(none(7), loadResult(pid, SnapshotSelectionCriteria.latest(), 7));
    }

    @Test
    void loadsTheNewestTckSnapshotWithinBounds() {
        String pid = newId();
        List<SnapshotMetadata> md = writeTckSnapshots(pid);
        assertEquals(
                found(md.get(4), "s-5", Long.MAX_VALUE),
                loadResult(pid, SnapshotSelectionCriteria.latest(), Long.MAX_VALUE));
        assertEquals(
                found(md.get(2), "s-3", Long.MAX_VALUE),
                loadResult(pid, SnapshotSelectionCriteria.create(13, Long.MAX_VALUE), Long.MAX_VALUE));
        assertEquals(found(md.get(2), "s-3", 13), loadResult(pid, SnapshotSelectionCriteria.latest(), 13));
        long t13 = md.get(2).timestamp();
        assertEquals(
                found(md.get(2), "s-3", Long.MAX_VALUE),
                loadResult(pid, SnapshotSelectionCriteria.create(13, t13), Long.MAX_VALUE));
        assertEquals(
                found(md.get(2), "s-3", 13),
                loadResult(pid, SnapshotSelectionCriteria.create(Long.MAX_VALUE, t13), 13));
    }

    @Test
    void deletesOneSnapshotBySequenceNrAndPublishesTheCommand() {
        String pid = newId();
        List<SnapshotMetadata> md = writeTckSnapshots(pid);
        // The timestamp does not matter for the delete of one snapshot.
        SnapshotMetadata third = SnapshotMetadata.apply(pid, md.get(2).sequenceNr(), 0L);
        TestProbe<Object> published = published(SnapshotProtocol.DeleteSnapshot.class);
        try {
            var delete = new SnapshotProtocol.DeleteSnapshot(third);
            store.tell(delete, Adapter.toClassic(probe.ref()));
            expectPublished(published, delete, pid);
            probe.expectMessage(WAIT, new org.apache.pekko.persistence.DeleteSnapshotSuccess(third));
        } finally {
            unsubscribe(published);
        }
        assertEquals(
                found(md.get(1), "s-2", Long.MAX_VALUE),
                loadResult(pid, SnapshotSelectionCriteria.create(third.sequenceNr(), Long.MAX_VALUE), Long.MAX_VALUE));
    }

    @Test
    void deletesEverySnapshotWithinBoundsAndPublishesTheCommand() {
        String pid = newId();
        List<SnapshotMetadata> md = writeTckSnapshots(pid);
        SnapshotSelectionCriteria criteria = SnapshotSelectionCriteria.create(
                md.get(2).sequenceNr(), md.get(2).timestamp());
        TestProbe<Object> published = published(SnapshotProtocol.DeleteSnapshots.class);
        try {
            var delete = new SnapshotProtocol.DeleteSnapshots(pid, criteria);
            store.tell(delete, Adapter.toClassic(probe.ref()));
            expectPublished(published, delete, pid);
            probe.expectMessage(WAIT, new org.apache.pekko.persistence.DeleteSnapshotsSuccess(criteria));
        } finally {
            unsubscribe(published);
        }
        assertEquals(none(Long.MAX_VALUE), loadResult(pid, criteria, Long.MAX_VALUE));
        assertEquals(
                found(md.get(3), "s-4", Long.MAX_VALUE),
                loadResult(
                        pid,
                        SnapshotSelectionCriteria.create(
                                md.get(3).sequenceNr(), md.get(3).timestamp()),
                        Long.MAX_VALUE));
    }

    @Test
    void keepsSnapshotsNewerThanTheDeleteTimestampBound() {
        String pid = newId();
        List<SnapshotMetadata> md = writeTckSnapshots(pid);
        SnapshotMetadata fourth = md.get(3);
        SnapshotSelectionCriteria criteria =
                SnapshotSelectionCriteria.create(fourth.sequenceNr(), fourth.timestamp() - 1);
        TestProbe<Object> published = published(SnapshotProtocol.DeleteSnapshots.class);
        try {
            var delete = new SnapshotProtocol.DeleteSnapshots(pid, criteria);
            store.tell(delete, Adapter.toClassic(probe.ref()));
            expectPublished(published, delete, pid);
            probe.expectMessage(WAIT, new org.apache.pekko.persistence.DeleteSnapshotsSuccess(criteria));
        } finally {
            unsubscribe(published);
        }
        assertEquals(
                found(fourth, "s-4", Long.MAX_VALUE),
                loadResult(
                        pid,
                        SnapshotSelectionCriteria.create(fourth.sequenceNr(), fourth.timestamp()),
                        Long.MAX_VALUE));
    }

    /** The TCK's 10,000 bytes, and a state of a few MiB, as a long session's screen can be. */
    @Test
    void savesLargeSnapshots() {
        String pid = newId();
        String tck = "0".repeat(10_000);
        String large = "x".repeat(4 * 1024 * 1024);
        save(pid, 100, tck);
        assertEquals(tck, load(pid, SnapshotSelectionCriteria.latest()).get().snapshot());
        save(pid, 101, large);
        assertEquals(large, load(pid, SnapshotSelectionCriteria.latest()).get().snapshot());
    }

    @Test
    void serializesSnapshotsThatNeedTheActorSystem() {
        String pid = newId();
        writeTckSnapshots(pid);
        TestPayload state =
                new TestPayload(Adapter.toClassic(testKit.createTestProbe().ref()));
        save(pid, 100, state);
        SelectedSnapshot s = load(pid, SnapshotSelectionCriteria.latest()).get();
        assertEquals(pid, s.metadata().persistenceId());
        assertEquals(100, s.metadata().sequenceNr());
        assertEquals(state, s.snapshot());
    }

    @Test
    void storesAndLoadsSnapshotMetadata() {
        String pid = newId();
        writeTckSnapshots(pid);
        SnapshotMetadata withMeta = SnapshotMetadata.apply(pid, 100, 0L).withMetadata("fictional metadata");
        saveWithMetadata(withMeta, "snap");
        SelectedSnapshot s = load(pid, SnapshotSelectionCriteria.latest()).get();
        assertEquals(100, s.metadata().sequenceNr());
        assertEquals("snap", s.snapshot());
        assertEquals(Option.apply("fictional metadata"), s.metadata().metadata());
        // The snapshots saved without metadata still have none.
        SelectedSnapshot older =
                load(pid, SnapshotSelectionCriteria.create(15, Long.MAX_VALUE)).get();
        assertEquals(Option.empty(), older.metadata().metadata());
    }

    @Test
    void storesStructuredSnapshotMetadataAndReplacesItOnOverwrite() {
        String pid = newId();
        saveWithMetadata(SnapshotMetadata.apply(pid, 7, 0L).withMetadata(TestEvent.of("meta")), "state");
        assertEquals(
                Option.apply(TestEvent.of("meta")),
                load(pid, SnapshotSelectionCriteria.latest()).get().metadata().metadata());
        save(pid, 7, "state again");
        SelectedSnapshot s = load(pid, SnapshotSelectionCriteria.latest()).get();
        assertEquals("state again", s.snapshot());
        assertEquals(Option.empty(), s.metadata().metadata());
    }

    @Test
    void failsToSaveASnapshotWhoseMetadataCannotBeSerialized() {
        String pid = newId();
        save(pid, 1, "kept");
        store.tell(
                new SnapshotProtocol.SaveSnapshot(
                        SnapshotMetadata.apply(pid, 2, 0L).withMetadata(new UnserializableEvent("m")), "lost"),
                Adapter.toClassic(probe.ref()));
        probe.expectMessageClass(org.apache.pekko.persistence.SaveSnapshotFailure.class, WAIT);
        assertEquals("kept", load(pid, SnapshotSelectionCriteria.latest()).get().snapshot());
    }

    /** A row as kaged wrote it before snapshots had metadata (the columns of V1 only) loads with none. */
    @Test
    void loadsSnapshotsSavedBeforeMetadataWasStored() throws Exception {
        String pid = newId();
        save(pid, 1, "old");
        Store db = StoreExtension.store(Adapter.toClassic(testKit.system()));
        db.write(pid, c -> {
                    try (var ps = c.prepareStatement("INSERT INTO snapshot (persistence_id, sequence_nr, created_at,"
                            + " ser_id, ser_manifest, payload) SELECT persistence_id, 2, created_at, ser_id,"
                            + " ser_manifest, payload FROM snapshot WHERE persistence_id = ? AND sequence_nr = 1")) {
                        ps.setString(1, pid);
                        return ps.executeUpdate();
                    }
                })
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        SelectedSnapshot s = load(pid, SnapshotSelectionCriteria.latest()).get();
        assertEquals(2, s.metadata().sequenceNr());
        assertEquals("old", s.snapshot());
        assertEquals(Option.empty(), s.metadata().metadata());
    }

    private void saveWithMetadata(SnapshotMetadata metadata, Object state) {
        store.tell(new SnapshotProtocol.SaveSnapshot(metadata, state), Adapter.toClassic(probe.ref()));
        var ok = probe.expectMessageClass(org.apache.pekko.persistence.SaveSnapshotSuccess.class, WAIT);
        assertEquals(metadata.metadata(), ok.metadata().metadata());
    }
}
