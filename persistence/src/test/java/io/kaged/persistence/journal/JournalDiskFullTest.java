package io.kaged.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.kaged.persistence.testing.SmallDisk;
import io.kaged.persistence.testing.TestEvent;
import io.kaged.persistence.testing.TestSystems;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.PersistentEnvelope;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.SaveSnapshotFailure;
import org.apache.pekko.persistence.SaveSnapshotSuccess;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The journal and the snapshot store on a SQLite store whose disk fills up (a real tmpfs): a write that
 * does not fit fails with SQLite's own SQLITE_FULL, stores nothing, and once there is room the same
 * journal, on the same write lane, takes the same sequence numbers.
 */
class JournalDiskFullTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    @Test
    void aWriteThatDoesNotFitFailsWholeAndTheJournalWritesAgainOnceThereIsRoom() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(home, 16L * 1024 * 1024)) {
            ActorTestKit testKit = ActorTestKit.create(
                    "journal-disk-full",
                    TestSystems.config("sqlite://" + disk.path().resolve("kaged.db"), home));
            try {
                var classic = Adapter.toClassic(testKit.system());
                ActorRef journal =
                        Persistence.get(classic).journalFor("kaged.persistence.journal", ConfigFactory.empty());
                ActorRef snapshots = Persistence.get(classic)
                        .snapshotStoreFor("kaged.persistence.snapshot-store", ConfigFactory.empty());
                TestProbe<Object> probe = testKit.createTestProbe();
                String pid = "p-" + UUID.randomUUID();
                write(journal, probe, pid, 1, "small");
                probe.expectMessage(WAIT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
                probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class, WAIT);

                disk.fill();
                write(journal, probe, pid, 2, incompressible());
                var failed = probe.expectMessageClass(JournalProtocol.WriteMessagesFailed.class, WAIT);
                String cause = trace(failed.cause());
                assertTrue(cause.contains("SQLITE_FULL"), cause);
                assertFalse(cause.contains("no transaction is active"), cause);
                probe.expectMessageClass(JournalProtocol.WriteMessageFailure.class, WAIT);
                snapshots.tell(
                        new SnapshotProtocol.SaveSnapshot(
                                SnapshotMetadata.apply(pid, 1, 0L), TestEvent.of(incompressible())),
                        Adapter.toClassic(probe.ref()));
                String snapshotCause = trace(probe.expectMessageClass(SaveSnapshotFailure.class, WAIT)
                        .cause());
                // the journal's failure marked the store faulted, so the snapshot is refused before it is tried
                // (WriteRefused, naming the full disk), or it meets the full disk itself if it was already queued
                assertTrue(
                        snapshotCause.contains("SQLITE_FULL") || snapshotCause.contains("bytes free"), snapshotCause);

                disk.free();
                write(journal, probe, pid, 2, "after");
                probe.expectMessage(WAIT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
                probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class, WAIT);
                snapshots.tell(
                        new SnapshotProtocol.SaveSnapshot(SnapshotMetadata.apply(pid, 2, 0L), TestEvent.of("s")),
                        Adapter.toClassic(probe.ref()));
                probe.expectMessageClass(SaveSnapshotSuccess.class, WAIT);

                journal.tell(
                        new JournalProtocol.ReplayMessages(
                                1, Long.MAX_VALUE, Long.MAX_VALUE, pid, Adapter.toClassic(probe.ref())),
                        ActorRef.noSender());
                List<Object> replayed = new ArrayList<>();
                while (true) {
                    Object msg = probe.receiveMessage(WAIT);
                    if (msg instanceof JournalProtocol.RecoverySuccess done) {
                        assertEquals(2, done.highestSequenceNr());
                        break;
                    }
                    replayed.add(
                            ((JournalProtocol.ReplayedMessage) msg).persistent().payload());
                }
                assertEquals(List.of(TestEvent.of("small"), TestEvent.of("after")), replayed);
            } finally {
                // Before the unmount: the store's files on the small disk must be closed.
                testKit.shutdownTestKit();
            }
        }
    }

    private static void write(ActorRef journal, TestProbe<Object> probe, String pid, long seq, String text) {
        PersistentRepr repr = PersistentRepr.apply(TestEvent.of(text), seq, pid, "", false, ActorRef.noSender(), "w");
        List<PersistentEnvelope> writes = List.of(AtomicWrite.apply(repr));
        journal.tell(
                new JournalProtocol.WriteMessages(
                        CollectionConverters.asScala(writes).toList(), Adapter.toClassic(probe.ref()), 1),
                ActorRef.noSender());
    }

    /** Jackson gzips large payloads: random text of 3 MiB stays above 2 MiB. */
    private static String incompressible() {
        byte[] bytes = new byte[3 * 1024 * 1024];
        new java.util.Random(11).nextBytes(bytes);
        return java.util.Base64.getEncoder().encodeToString(bytes);
    }

    private static String trace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
