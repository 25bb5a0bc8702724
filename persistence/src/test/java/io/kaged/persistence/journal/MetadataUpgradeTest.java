package io.kaged.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kaged.persistence.serialization.PayloadCodec;
import io.kaged.persistence.store.Engine;
import io.kaged.persistence.store.StorageSettings;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import io.kaged.persistence.testing.TestEvent;
import io.kaged.persistence.testing.TestSystems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.PersistentEnvelope;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A store written at schema version 3, before events and snapshots had metadata, upgraded by opening it
 * with this version: its events and snapshots read as before, with no metadata, and new ones beside them
 * keep theirs.
 */
class MetadataUpgradeTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path home;

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void eventsAndSnapshotsWrittenBeforeVersion4ReadWithoutMetadataAfterTheUpgrade(TestEngine engine) throws Exception {
        Config config = TestSystems.config(TestDatabases.newStoreUrl(engine, home), home);
        ActorTestKit testKit = ActorTestKit.create("metadata-upgrade", config);
        try {
            var system = Adapter.toClassic(testKit.system());
            writeAtVersion3(StorageSettings.fromConfig(config, Map.of()), new PayloadCodec(system));

            // The journal's first use opens the store, which migrates it to the current version.
            ActorRef journal = Persistence.get(system).journalFor("kaged.persistence.journal", ConfigFactory.empty());
            TestProbe<Object> probe = testKit.createTestProbe();
            PersistentRepr withMeta = PersistentRepr.apply(
                            TestEvent.of("new"), 3, "old", "", false, ActorRef.noSender(), "w2")
                    .withMetadata(TestEvent.of("meta"));
            journal.tell(
                    new JournalProtocol.WriteMessages(
                            CollectionConverters.asScala(List.<PersistentEnvelope>of(AtomicWrite.apply(withMeta)))
                                    .toList(),
                            Adapter.toClassic(probe.ref()),
                            1),
                    ActorRef.noSender());
            probe.expectMessage(WAIT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
            probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class, WAIT);

            journal.tell(
                    new JournalProtocol.ReplayMessages(
                            1, Long.MAX_VALUE, Long.MAX_VALUE, "old", Adapter.toClassic(probe.ref())),
                    ActorRef.noSender());
            List<PersistentRepr> replayed = new ArrayList<>();
            while (true) {
                Object msg = probe.receiveMessage(WAIT);
                if (msg instanceof JournalProtocol.RecoverySuccess done) {
                    assertEquals(3, done.highestSequenceNr());
                    break;
                }
                replayed.add(((JournalProtocol.ReplayedMessage) msg).persistent());
            }
            assertEquals(3, replayed.size());
            assertEquals(TestEvent.of("old-1"), replayed.get(0).payload());
            assertEquals(Option.empty(), replayed.get(0).metadata());
            assertEquals(TestEvent.of("old-2"), replayed.get(1).payload());
            assertEquals(Option.empty(), replayed.get(1).metadata());
            assertEquals(TestEvent.of("new"), replayed.get(2).payload());
            assertEquals(Option.apply(TestEvent.of("meta")), replayed.get(2).metadata());

            ActorRef snapshots =
                    Persistence.get(system).snapshotStoreFor("kaged.persistence.snapshot-store", ConfigFactory.empty());
            snapshots.tell(
                    new SnapshotProtocol.LoadSnapshot("old", SnapshotSelectionCriteria.latest(), Long.MAX_VALUE),
                    Adapter.toClassic(probe.ref()));
            SelectedSnapshot s = probe.expectMessageClass(SnapshotProtocol.LoadSnapshotResult.class, WAIT)
                    .snapshot()
                    .get();
            assertEquals(TestEvent.of("state-2"), s.snapshot());
            assertEquals(2, s.metadata().sequenceNr());
            assertEquals(Option.empty(), s.metadata().metadata());
        } finally {
            testKit.shutdownTestKit();
        }
    }

    /** Migrates an empty store to version 3 only and writes two events and a snapshot as kaged then did. */
    private static void writeAtVersion3(StorageSettings settings, PayloadCodec codec) throws Exception {
        try (Store store = Store.openUnmigrated(settings)) {
            Flyway.configure(MetadataUpgradeTest.class.getClassLoader())
                    .dataSource(store.dataSource())
                    .locations("classpath:db/migration")
                    .placeholders(Map.of("blob", store.engine() == Engine.SQLITE ? "BLOB" : "BYTEA"))
                    .target("3")
                    .load()
                    .migrate();
            assertEquals("3", store.migrations().status().schemaVersion());
            store.inTransaction(c -> {
                try (var ps = c.prepareStatement("INSERT INTO journal (persistence_id, sequence_nr, writer_uuid,"
                        + " write_timestamp, event_manifest, ser_id, ser_manifest, payload, tags)"
                        + " VALUES ('old', ?, 'w1', 0, '', ?, ?, ?, NULL)")) {
                    for (int seq = 1; seq <= 2; seq++) {
                        PayloadCodec.Encoded e = encode(codec, TestEvent.of("old-" + seq));
                        ps.setLong(1, seq);
                        ps.setInt(2, e.serializerId());
                        ps.setString(3, e.manifest());
                        ps.setBytes(4, e.bytes());
                        ps.executeUpdate();
                    }
                }
                try (var ps = c.prepareStatement("INSERT INTO snapshot (persistence_id, sequence_nr, created_at,"
                        + " ser_id, ser_manifest, payload) VALUES ('old', 2, 1, ?, ?, ?)")) {
                    PayloadCodec.Encoded e = encode(codec, TestEvent.of("state-2"));
                    ps.setInt(1, e.serializerId());
                    ps.setString(2, e.manifest());
                    ps.setBytes(3, e.bytes());
                    ps.executeUpdate();
                }
                return null;
            });
        }
    }

    private static PayloadCodec.Encoded encode(PayloadCodec codec, Object payload) {
        try {
            return codec.encode(payload);
        } catch (java.io.NotSerializableException e) {
            throw new IllegalStateException(e);
        }
    }
}
