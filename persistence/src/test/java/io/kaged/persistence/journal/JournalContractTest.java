package io.kaged.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.stream.IntStream;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.PersistentEnvelope;
import org.apache.pekko.persistence.PersistentRepr;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The Pekko journal contract, spoken in the journal's own protocol as Pekko's persistent actors do, run
 * once per engine by the subclasses, with the config Pekko's plugin TCK sets ({@code
 * publish-plugin-commands = on}, a payload whose serializer needs the actor system).
 *
 * <p>Every case of {@code pekko-persistence-tck} 1.1.x {@code JournalSpec}, with every optional capability
 * switched on ({@code supportsRejectingNonSerializableObjects}, {@code supportsSerialization}, {@code
 * supportsMetadata}, {@code supportsAtomicPersistAllOfSeveralEvents}), and the test that covers it here.
 * The TCK's set-up (events 1–5 written as four atomic writes, the last of two events, each with its
 * sender, every reply checked) is {@link #writeTckEvents}; every case below starts from it.
 *
 * <table>
 * <caption>TCK case → test</caption>
 * <tr><td>replay all messages</td><td>{@link #replaysTheTckRanges} row 1</td></tr>
 * <tr><td>replay messages using a lower sequence number bound</td><td>{@link #replaysTheTckRanges} row 2</td></tr>
 * <tr><td>… using an upper sequence number bound</td><td>{@link #replaysTheTckRanges} row 3</td></tr>
 * <tr><td>… using a count limit</td><td>{@link #replaysTheTckRanges} row 4</td></tr>
 * <tr><td>… using a lower and upper sequence number bound</td><td>{@link #replaysTheTckRanges} row 5</td></tr>
 * <tr><td>… lower and upper bound and a count limit</td><td>{@link #replaysTheTckRanges} row 6</td></tr>
 * <tr><td>replay a single if lower bound equals upper bound</td><td>{@link #replaysTheTckRanges} row 7</td></tr>
 * <tr><td>replay a single message if count limit equals 1</td><td>{@link #replaysTheTckRanges} row 8</td></tr>
 * <tr><td>not replay messages if count limit equals 0</td><td>{@link #replaysTheTckRanges} row 9</td></tr>
 * <tr><td>not replay messages if lower bound is greater than upper bound</td>
 *     <td>{@link #replaysTheTckRanges} row 10</td></tr>
 * <tr><td>not replay messages if the persistent actor has not yet written messages</td>
 *     <td>{@link #replaysNothingForUnknownIdAndReportsZero}</td></tr>
 * <tr><td>not replay permanently deleted messages (range deletion), the delete published on the event
 *     stream</td><td>{@link #publishesEachDeleteItHandledAndNeverReplaysDeletedEvents}</td></tr>
 * <tr><td>not reset highestSequenceNr after message deletion</td>
 *     <td>{@link #keepsHighestSequenceNrAfterDeletingSome}</td></tr>
 * <tr><td>not reset highestSequenceNr after journal cleanup</td>
 *     <td>{@link #keepsHighestSequenceNrAfterDeletingEverything}</td></tr>
 * <tr><td>(optional) reject non-serializable events</td>
 *     <td>{@link #rejectsAnEventNoSerializerTakesAndStoresTheOthers}, and for a serializer that fails,
 *     {@link #rejectsAnUnserializableAtomicWriteWithoutFailingTheOthers}</td></tr>
 * <tr><td>(optional) serialize events</td><td>{@link #serializesEventsThatNeedTheActorSystem}</td></tr>
 * <tr><td>(optional) return metadata</td><td>{@link #returnsEventMetadataOnWriteAndReplay}; also
 *     {@link #storesStructuredMetadataThroughPekkoSerialization},
 *     {@link #rejectsAWriteWhoseMetadataCannotBeSerialized},
 *     {@link #readsRowsWrittenBeforeMetadataWasStored}, and a store upgraded from version 3,
 *     {@link MetadataUpgradeTest}</td></tr>
 * <tr><td>(set-up) atomic writes of several events, replies with each event's sender</td>
 *     <td>{@link #writeTckEvents}, {@link #writesAnAtomicWriteOfManyEventsWhole},
 *     {@link #answersEachEnvelopeInOrderWithItsOwnSender}</td></tr>
 * </table>
 *
 * <p>The TCK's {@code JavaJournalSpec} runs these same cases for JUnit; its {@code JournalPerfSpec} is a
 * benchmark, not a contract; the {@code bench} module measures
 * the journal instead. The other tests here cover what the TCK leaves out: long replays, failed writes,
 * rows that no longer decode.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JournalContractTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final String writerUuid = UUID.randomUUID().toString();

    @TempDir
    static Path home;

    private ActorTestKit testKit;
    private ActorRef journal;
    private TestProbe<Object> probe;

    abstract TestEngine engine();

    @BeforeAll
    void startSystem() {
        String url = TestDatabases.newStoreUrl(engine(), home);
        testKit = ActorTestKit.create("journal-contract", TestSystems.pluginContract(url, home));
        journal = Persistence.get(Adapter.toClassic(testKit.system()))
                .journalFor("kaged.persistence.journal", com.typesafe.config.ConfigFactory.empty());
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

    private static String newId() {
        return "p-" + UUID.randomUUID();
    }

    private PersistentRepr repr(String pid, long seq, Object payload) {
        return PersistentRepr.apply(payload, seq, pid, "", false, ActorRef.noSender(), writerUuid);
    }

    private AtomicWrite atomic(String pid, long fromSeq, int count) {
        List<PersistentRepr> reprs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            reprs.add(repr(pid, fromSeq + i, TestEvent.of("e-" + (fromSeq + i))));
        }
        return AtomicWrite.apply(CollectionConverters.asScala(reprs).toList());
    }

    private void write(List<AtomicWrite> writes) {
        List<PersistentEnvelope> envelopes = new ArrayList<>(writes);
        journal.tell(
                new JournalProtocol.WriteMessages(
                        CollectionConverters.asScala(envelopes).toList(), Adapter.toClassic(probe.ref()), 1),
                ActorRef.noSender());
    }

    private void writeEvents(String pid, int from, int to) {
        List<AtomicWrite> writes = new ArrayList<>();
        for (int seq = from; seq <= to; seq++) {
            writes.add(atomic(pid, seq, 1));
        }
        write(writes);
        probe.expectMessage(WAIT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
        for (int seq = from; seq <= to; seq++) {
            var success = probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class, WAIT);
            assertEquals(seq, success.persistent().sequenceNr());
        }
    }

    /** Replays and returns the sequence numbers received and the highest number reported. */
    private Replayed replay(String pid, long from, long to, long max) {
        journal.tell(
                new JournalProtocol.ReplayMessages(from, to, max, pid, Adapter.toClassic(probe.ref())),
                ActorRef.noSender());
        List<Long> seqs = new ArrayList<>();
        List<Object> payloads = new ArrayList<>();
        List<PersistentRepr> reprs = new ArrayList<>();
        while (true) {
            Object msg = probe.receiveMessage(WAIT);
            if (msg instanceof JournalProtocol.ReplayedMessage m) {
                seqs.add(m.persistent().sequenceNr());
                payloads.add(m.persistent().payload());
                reprs.add(m.persistent());
            } else if (msg instanceof JournalProtocol.RecoverySuccess s) {
                return new Replayed(seqs, payloads, reprs, s.highestSequenceNr());
            } else {
                throw new AssertionError("unexpected reply during replay: " + msg);
            }
        }
    }

    private record Replayed(List<Long> seqs, List<Object> payloads, List<PersistentRepr> reprs, long highest) {}

    private void deleteTo(String pid, long toSeq) {
        journal.tell(
                new JournalProtocol.DeleteMessagesTo(pid, toSeq, Adapter.toClassic(probe.ref())), ActorRef.noSender());
        probe.expectMessage(WAIT, new org.apache.pekko.persistence.DeleteMessagesSuccess(toSeq));
    }

    private static List<Long> range(long from, long to) {
        return IntStream.rangeClosed((int) from, (int) to)
                .mapToObj(i -> (long) i)
                .toList();
    }

    @Test
    void replaysAllEventsInOrderWithTheirPayloads() {
        String pid = newId();
        writeEvents(pid, 1, 5);
        Replayed r = replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE);
        assertEquals(range(1, 5), r.seqs());
        assertEquals(TestEvent.of("e-3"), r.payloads().get(2));
        assertEquals(5, r.highest());
    }

    /** More events than the replay's decoding stage holds at once, so the reader waits for it. */
    @Test
    void replaysALongJournalWholeAndInOrder() {
        String pid = newId();
        int count = ReplayStage.CHUNK * (ReplayStage.MAX_PENDING + 3) + 7;
        writeEvents(pid, 1, count);
        Replayed r = replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE);
        assertEquals(range(1, count), r.seqs());
        assertEquals(TestEvent.of("e-" + count), r.payloads().get(count - 1));
        assertEquals(count, r.highest());
    }

    /** A row that no longer decodes fails the replay: no success, and nothing after it is delivered. */
    /**
     * The replay reads in queries of {@link JournalDao#REPLAY_CHUNK} rows and leaves out strings equal to
     * those of the row before: every event still comes back with its own writer, manifest and payload when
     * they change inside a query, right at its first row, and between two payload serializers.
     */
    @Test
    void replaysEachEventWithItsOwnWriterAndManifestsAcrossReadChunks() {
        String pid = newId();
        int first = JournalDao.FIRST_REPLAY_CHUNK;
        int count = first + JournalDao.REPLAY_CHUNK + 40;
        List<PersistentEnvelope> writes = new ArrayList<>();
        for (long seq = 1; seq <= count; seq++) {
            writes.add(AtomicWrite.apply(CollectionConverters.asScala(List.of(PersistentRepr.apply(
                            chunkPayload(seq),
                            seq,
                            pid,
                            chunkManifest(seq),
                            false,
                            ActorRef.noSender(),
                            chunkWriter(seq, first))))
                    .toList()));
        }
        journal.tell(
                new JournalProtocol.WriteMessages(
                        CollectionConverters.asScala(writes).toList(), Adapter.toClassic(probe.ref()), 1),
                ActorRef.noSender());
        probe.expectMessage(WAIT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
        for (int i = 0; i < count; i++) {
            probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class, WAIT);
        }
        for (long[] bounds : new long[][] {{1, count}, {first + 1, count - 3}, {2, first + 5}}) {
            long from = bounds[0];
            long max = bounds[1];
            journal.tell(
                    new JournalProtocol.ReplayMessages(from, Long.MAX_VALUE, max, pid, Adapter.toClassic(probe.ref())),
                    ActorRef.noSender());
            long expected = from;
            while (true) {
                Object msg = probe.receiveMessage(WAIT);
                if (msg instanceof JournalProtocol.RecoverySuccess done) {
                    assertEquals(count, done.highestSequenceNr());
                    break;
                }
                PersistentRepr p = ((JournalProtocol.ReplayedMessage) msg).persistent();
                assertEquals(expected, p.sequenceNr());
                assertEquals(chunkWriter(expected, first), p.writerUuid(), "writer of " + expected);
                assertEquals(chunkManifest(expected), p.manifest(), "manifest of " + expected);
                assertEquals(chunkPayload(expected), p.payload(), "payload of " + expected);
                expected++;
            }
            assertEquals(Math.min(count, from + max - 1), expected - 1, "last event replayed from " + from);
        }
    }

    /** Changes at the first row of the second query, in the middle of the long one, and at its end. */
    private static String chunkWriter(long seq, int first) {
        return seq <= first ? "writer-a" : seq < 3000 ? "writer-b" : seq % 7 == 0 ? "writer-c" : "writer-b";
    }

    private static String chunkManifest(long seq) {
        return seq % 5 == 0 ? "v2" : "";
    }

    /** Two serializers, each with its own manifest: Jackson's names the class, Pekko's strings have none. */
    private static Object chunkPayload(long seq) {
        return seq % 3 == 0 ? "plain-" + seq : TestEvent.of("e-" + seq);
    }

    @Test
    void aRowThatCannotBeDecodedFailsTheReplay() throws Exception {
        String pid = newId();
        int good = ReplayStage.CHUNK + 10;
        writeEvents(pid, 1, good);
        writeEvents(pid, good + 1, good + 20);
        Store store = StoreExtension.store(Adapter.toClassic(testKit.system()));
        store.write(pid, c -> {
                    try (var ps = c.prepareStatement(
                            "UPDATE journal SET payload = ? WHERE persistence_id = ? AND sequence_nr = ?")) {
                        ps.setBytes(1, "{not json".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        ps.setString(2, pid);
                        ps.setLong(3, good + 1);
                        return ps.executeUpdate();
                    }
                })
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        journal.tell(
                new JournalProtocol.ReplayMessages(
                        1, Long.MAX_VALUE, Long.MAX_VALUE, pid, Adapter.toClassic(probe.ref())),
                ActorRef.noSender());
        List<Long> seqs = new ArrayList<>();
        while (true) {
            Object msg = probe.receiveMessage(WAIT);
            if (msg instanceof JournalProtocol.ReplayedMessage m) {
                seqs.add(m.persistent().sequenceNr());
            } else {
                assertTrue(msg instanceof JournalProtocol.ReplayMessagesFailure, "expected a failure, got " + msg);
                break;
            }
        }
        assertTrue(seqs.size() <= good, "events after the bad row were delivered: " + seqs.size());
        assertEquals(range(1, seqs.size()), seqs);
        probe.expectNoMessage(Duration.ofMillis(200));
    }

    @Test
    void replaysWithinLowerAndUpperBounds() {
        String pid = newId();
        writeEvents(pid, 1, 5);
        assertEquals(range(2, 3), replay(pid, 2, 3, Long.MAX_VALUE).seqs());
        assertEquals(range(3, 5), replay(pid, 3, Long.MAX_VALUE, Long.MAX_VALUE).seqs());
        assertEquals(range(1, 2), replay(pid, 1, 2, Long.MAX_VALUE).seqs());
    }

    @Test
    void replaysAtMostMaxEvents() {
        String pid = newId();
        writeEvents(pid, 1, 5);
        assertEquals(range(1, 3), replay(pid, 1, Long.MAX_VALUE, 3).seqs());
        assertEquals(List.of(), replay(pid, 1, Long.MAX_VALUE, 0).seqs());
        assertEquals(range(2, 3), replay(pid, 2, 3, 7).seqs());
    }

    @Test
    void replaysNothingForUnknownIdAndReportsZero() {
        Replayed r = replay(newId(), 0, Long.MAX_VALUE, Long.MAX_VALUE);
        assertEquals(List.of(), r.seqs());
        assertEquals(0, r.highest());
    }

    @Test
    void doesNotReplayDeletedEvents() {
        String pid = newId();
        writeEvents(pid, 1, 5);
        deleteTo(pid, 3);
        assertEquals(range(4, 5), replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE).seqs());
    }

    @Test
    void keepsHighestSequenceNrAfterDeletingEverything() {
        String pid = newId();
        writeTckEvents(pid);
        deleteTo(pid, Long.MAX_VALUE);
        Replayed r = replay(pid, 0, Long.MAX_VALUE, Long.MAX_VALUE);
        assertEquals(List.of(), r.seqs());
        assertEquals(5, r.highest());
        writeEvents(pid, 6, 7);
        assertEquals(range(6, 7), replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE).seqs());
    }

    @Test
    void deleteBeyondHighestDeletesOnlyWhatExists() {
        String pid = newId();
        writeEvents(pid, 1, 3);
        deleteTo(pid, 100);
        writeEvents(pid, 4, 4);
        Replayed r = replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE);
        assertEquals(List.of(4L), r.seqs());
        assertEquals(4, r.highest());
    }

    @Test
    void writesAnAtomicWriteOfManyEventsWhole() {
        String pid = newId();
        write(List.of(atomic(pid, 1, 3), atomic(pid, 4, 2)));
        probe.expectMessage(WAIT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
        for (long seq = 1; seq <= 5; seq++) {
            assertEquals(
                    seq,
                    probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class, WAIT)
                            .persistent()
                            .sequenceNr());
        }
        assertEquals(range(1, 5), replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE).seqs());
    }

    @Test
    void rejectsAnUnserializableAtomicWriteWithoutFailingTheOthers() {
        String pid = newId();
        AtomicWrite good1 = atomic(pid, 1, 1);
        AtomicWrite bad = AtomicWrite.apply(CollectionConverters.asScala(
                        List.of(repr(pid, 2, TestEvent.of("fine")), repr(pid, 3, new UnserializableEvent("x"))))
                .toList());
        AtomicWrite good2 = atomic(pid, 4, 1);
        write(List.of(good1, bad, good2));
        probe.expectMessage(WAIT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
        assertEquals(
                1,
                probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class, WAIT)
                        .persistent()
                        .sequenceNr());
        var rejected2 = probe.expectMessageClass(JournalProtocol.WriteMessageRejected.class, WAIT);
        var rejected3 = probe.expectMessageClass(JournalProtocol.WriteMessageRejected.class, WAIT);
        assertEquals(2, rejected2.message().sequenceNr());
        assertEquals(3, rejected3.message().sequenceNr());
        assertTrue(
                rejected3.cause().getMessage().contains("UnserializableEvent"),
                rejected3.cause().getMessage());
        assertEquals(
                4,
                probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class, WAIT)
                        .persistent()
                        .sequenceNr());
        // Nothing of the rejected write is stored; the fine event inside it is gone with it.
        assertEquals(
                List.of(1L, 4L), replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE).seqs());
    }

    /**
     * Deferred messages ({@code NonPersistentRepr}) come back in their place among the writes, and every
     * reply carries the sender of its event: a classic persistent actor answers {@code sender()} there.
     */
    @Test
    void answersEachEnvelopeInOrderWithItsOwnSender() {
        String pid = newId();
        TestProbe<Object> first = testKit.createTestProbe();
        TestProbe<Object> looped = testKit.createTestProbe();
        PersistentRepr one = PersistentRepr.apply(
                TestEvent.of("one"), 1, pid, "", false, Adapter.toClassic(first.ref()), writerUuid);
        List<PersistentEnvelope> envelopes = List.of(
                AtomicWrite.apply(CollectionConverters.asScala(List.of(one)).toList()),
                org.apache.pekko.persistence.NonPersistentRepr.apply("deferred", Adapter.toClassic(looped.ref())),
                atomic(pid, 2, 1));
        journal.tell(
                new JournalProtocol.WriteMessages(
                        CollectionConverters.asScala(envelopes).toList(), Adapter.toClassic(probe.ref()), 7),
                ActorRef.noSender());
        probe.expectMessage(WAIT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
        var s1 = probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class, WAIT);
        assertEquals(1, s1.persistent().sequenceNr());
        assertEquals(7, s1.actorInstanceId());
        assertEquals(Adapter.toClassic(first.ref()), s1.persistent().sender());
        var loop = probe.expectMessageClass(JournalProtocol.LoopMessageSuccess.class, WAIT);
        assertEquals("deferred", loop.message());
        assertEquals(
                2,
                probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class, WAIT)
                        .persistent()
                        .sequenceNr());
        assertEquals(range(1, 2), replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE).seqs());
    }

    @Test
    void failsTheWholeWriteWhenTheDatabaseRefusesIt() {
        String pid = newId();
        writeEvents(pid, 1, 2);
        // Sequence number 2 already exists: the database refuses this write, and the journal must
        // fail the whole batch rather than store half of it.
        write(List.of(atomic(pid, 2, 2)));
        probe.expectMessageClass(JournalProtocol.WriteMessagesFailed.class, WAIT);
        probe.expectMessageClass(JournalProtocol.WriteMessageFailure.class, WAIT);
        probe.expectMessageClass(JournalProtocol.WriteMessageFailure.class, WAIT);
        assertEquals(range(1, 2), replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE).seqs());
    }

    @Test
    void keepsIdsApart() {
        String a = newId();
        String b = newId();
        writeEvents(a, 1, 3);
        writeEvents(b, 1, 1);
        assertEquals(range(1, 3), replay(a, 1, Long.MAX_VALUE, Long.MAX_VALUE).seqs());
        assertEquals(1, replay(b, 1, Long.MAX_VALUE, Long.MAX_VALUE).highest());
    }

    // ---- Pekko's plugin TCK (JournalSpec), case by case; see the class Javadoc ----

    /**
     * The TCK's set-up: events 1–5 with payloads {@code a-1}…{@code a-5}, written as atomic writes {1},
     * {2}, {3}, {4, 5} in one {@code WriteMessages}, each event with {@code sender}; every reply names its
     * event and that sender.
     */
    private void writeTckEvents(String pid) {
        ActorRef sender = Adapter.toClassic(testKit.createTestProbe().ref());
        List<PersistentEnvelope> writes = new ArrayList<>();
        for (int seq = 1; seq <= 3; seq++) {
            writes.add(AtomicWrite.apply(tckRepr(pid, seq, sender)));
        }
        writes.add(AtomicWrite.apply(
                CollectionConverters.asScala(List.of(tckRepr(pid, 4, sender), tckRepr(pid, 5, sender)))
                        .toList()));
        TestProbe<Object> writer = testKit.createTestProbe();
        journal.tell(
                new JournalProtocol.WriteMessages(
                        CollectionConverters.asScala(writes).toList(), Adapter.toClassic(writer.ref()), 1),
                ActorRef.noSender());
        writer.expectMessage(WAIT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
        for (int seq = 1; seq <= 5; seq++) {
            PersistentRepr written = writer.expectMessageClass(JournalProtocol.WriteMessageSuccess.class, WAIT)
                    .persistent();
            assertEquals(tckRepr(pid, seq, sender), written);
            assertEquals(sender, written.sender());
            assertEquals("a-" + seq, written.payload());
        }
    }

    private PersistentRepr tckRepr(String pid, long seq, ActorRef sender) {
        return PersistentRepr.apply("a-" + seq, seq, pid, "", false, sender, writerUuid);
    }

    /** What the TCK expects a replayed event to be: its payload, ids, writer, no sender, no metadata. */
    private void assertReplayedTckEvent(String pid, long seq, PersistentRepr replayed) {
        assertEquals(tckRepr(pid, seq, ActorRef.noSender()), replayed);
        assertEquals(ActorRef.noSender(), replayed.sender());
        assertFalse(replayed.deleted());
        assertEquals(Option.empty(), replayed.metadata(), "metadata of event " + seq);
    }

    private static long bound(String value) {
        return "MAX".equals(value) ? Long.MAX_VALUE : Long.parseLong(value);
    }

    /** Rows 1–10 of the class Javadoc's table: each a replay of the TCK's five events. */
    @ParameterizedTest(name = "replay from {0} to {1}, at most {2}: events {3} to {4}")
    @CsvSource({
        "1, MAX, MAX, 1, 5",
        "3, MAX, MAX, 3, 5",
        "1, 3, MAX, 1, 3",
        "1, MAX, 3, 1, 3",
        "2, 3, MAX, 2, 3",
        "2, 5, 2, 2, 3",
        "2, 2, MAX, 2, 2",
        "2, 4, 1, 2, 2",
        "2, 4, 0, 1, 0",
        "3, 2, MAX, 1, 0"
    })
    void replaysTheTckRanges(String from, String to, String max, long first, long last) {
        String pid = newId();
        writeTckEvents(pid);
        Replayed r = replay(pid, bound(from), bound(to), bound(max));
        assertEquals(range(first, last), r.seqs());
        for (int i = 0; i < r.reprs().size(); i++) {
            assertReplayedTckEvent(pid, first + i, r.reprs().get(i));
        }
        assertEquals(5, r.highest());
    }

    @Test
    void publishesEachDeleteItHandledAndNeverReplaysDeletedEvents() {
        String pid = newId();
        writeTckEvents(pid);
        TestProbe<Object> published = testKit.createTestProbe();
        var events = Adapter.toClassic(testKit.system()).getEventStream();
        events.subscribe(Adapter.toClassic(published.ref()), JournalProtocol.DeleteMessagesTo.class);
        events.subscribe(Adapter.toClassic(published.ref()), JournalProtocol.ReplayMessages.class);
        try {
            TestProbe<Object> requester = testKit.createTestProbe();
            var delete = new JournalProtocol.DeleteMessagesTo(pid, 3, Adapter.toClassic(requester.ref()));
            journal.tell(delete, ActorRef.noSender());
            requester.expectMessage(WAIT, new org.apache.pekko.persistence.DeleteMessagesSuccess(3));
            expectPublished(published, delete, pid);

            Replayed r = replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE);
            assertEquals(range(4, 5), r.seqs());
            assertReplayedTckEvent(pid, 4, r.reprs().get(0));
            assertReplayedTckEvent(pid, 5, r.reprs().get(1));
            // Pekko's journals publish the replays they handled too.
            expectPublished(
                    published,
                    new JournalProtocol.ReplayMessages(
                            1, Long.MAX_VALUE, Long.MAX_VALUE, pid, Adapter.toClassic(probe.ref())),
                    pid);
            requester.expectNoMessage(Duration.ofMillis(200));
        } finally {
            events.unsubscribe(Adapter.toClassic(published.ref()));
        }
    }

    /** Skips what other tests' commands published late; fails unless {@code expected} comes. */
    private static void expectPublished(TestProbe<Object> published, Object expected, String pid) {
        while (true) {
            Object msg = published.receiveMessage(WAIT);
            String about = msg instanceof JournalProtocol.DeleteMessagesTo d
                    ? d.persistenceId()
                    : msg instanceof JournalProtocol.ReplayMessages r ? r.persistenceId() : null;
            if (pid.equals(about)) {
                assertEquals(expected, msg);
                return;
            }
        }
    }

    @Test
    void keepsHighestSequenceNrAfterDeletingSome() {
        String pid = newId();
        writeTckEvents(pid);
        Replayed before = replay(pid, 0, Long.MAX_VALUE, Long.MAX_VALUE);
        assertEquals(range(1, 5), before.seqs());
        assertEquals(5, before.highest());
        deleteTo(pid, 3);
        Replayed after = replay(pid, 0, Long.MAX_VALUE, Long.MAX_VALUE);
        assertEquals(range(4, 5), after.seqs());
        assertEquals(5, after.highest());
    }

    /** The TCK's case: an event no serializer is bound to, between two that serialize. */
    @Test
    void rejectsAnEventNoSerializerTakesAndStoresTheOthers() {
        String pid = newId();
        writeTckEvents(pid);
        Object notSerializable = new Object() {
            @Override
            public String toString() {
                return "not serializable";
            }
        };
        write(List.of(
                AtomicWrite.apply(repr(pid, 6, "b-6")),
                AtomicWrite.apply(repr(pid, 7, notSerializable)),
                AtomicWrite.apply(repr(pid, 8, "b-8"))));
        probe.expectMessage(WAIT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
        var six = probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class, WAIT);
        assertEquals(repr(pid, 6, "b-6"), six.persistent());
        var seven = probe.expectMessageClass(JournalProtocol.WriteMessageRejected.class, WAIT);
        assertEquals(7, seven.message().sequenceNr());
        assertEquals(notSerializable, seven.message().payload());
        assertInstanceOf(java.io.NotSerializableException.class, seven.cause());
        var eight = probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class, WAIT);
        assertEquals(repr(pid, 8, "b-8"), eight.persistent());
        Replayed r = replay(pid, 6, Long.MAX_VALUE, Long.MAX_VALUE);
        assertEquals(List.of(6L, 8L), r.seqs());
        assertEquals(List.of("b-6", "b-8"), r.payloads());
    }

    @Test
    void serializesEventsThatNeedTheActorSystem() {
        String pid = newId();
        writeTckEvents(pid);
        TestPayload event =
                new TestPayload(Adapter.toClassic(testKit.createTestProbe().ref()));
        write(List.of(AtomicWrite.apply(repr(pid, 6, event))));
        probe.expectMessage(WAIT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
        var written = probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class, WAIT);
        assertEquals(repr(pid, 6, event), written.persistent());
        Replayed r = replay(pid, 6, Long.MAX_VALUE, Long.MAX_VALUE);
        assertEquals(List.of(6L), r.seqs());
        assertEquals(event, r.payloads().get(0));
        assertEquals(writerUuid, r.reprs().get(0).writerUuid());
        assertTrue(r.highest() >= 6);
    }

    @Test
    void returnsEventMetadataOnWriteAndReplay() {
        String pid = newId();
        writeTckEvents(pid);
        TestPayload event =
                new TestPayload(Adapter.toClassic(testKit.createTestProbe().ref()));
        write(List.of(AtomicWrite.apply(repr(pid, 6, event).withMetadata("meta-data"))));
        probe.expectMessage(WAIT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
        var written = probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class, WAIT);
        assertEquals(event, written.persistent().payload());
        assertEquals(Option.apply("meta-data"), written.persistent().metadata());

        Replayed r = replay(pid, 6, 6, 1);
        assertEquals(List.of(6L), r.seqs());
        assertEquals(event, r.payloads().get(0));
        assertEquals(writerUuid, r.reprs().get(0).writerUuid());
        assertEquals(Option.apply("meta-data"), r.reprs().get(0).metadata());
        assertEquals(6, r.highest());
    }

    /**
     * Metadata goes through Pekko serialization as the payload does, whatever its serializer, and stays
     * with its own event: the events around it replay without any, in both read-chunk sizes.
     */
    @Test
    void storesStructuredMetadataThroughPekkoSerialization() {
        String pid = newId();
        int count = JournalDao.FIRST_REPLAY_CHUNK + 10;
        List<PersistentEnvelope> writes = new ArrayList<>();
        for (long seq = 1; seq <= count; seq++) {
            PersistentRepr event = repr(pid, seq, TestEvent.of("e-" + seq));
            writes.add(AtomicWrite.apply(seq % 4 == 0 ? event.withMetadata(TestEvent.of("meta-" + seq)) : event));
        }
        journal.tell(
                new JournalProtocol.WriteMessages(
                        CollectionConverters.asScala(writes).toList(), Adapter.toClassic(probe.ref()), 1),
                ActorRef.noSender());
        probe.expectMessage(WAIT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
        for (int i = 0; i < count; i++) {
            probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class, WAIT);
        }
        Replayed r = replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE);
        assertEquals(range(1, count), r.seqs());
        for (PersistentRepr p : r.reprs()) {
            long seq = p.sequenceNr();
            assertEquals(
                    seq % 4 == 0 ? Option.apply(TestEvent.of("meta-" + seq)) : Option.empty(),
                    p.metadata(),
                    "metadata of event " + seq);
            assertEquals(TestEvent.of("e-" + seq), p.payload());
        }
    }

    @Test
    void rejectsAWriteWhoseMetadataCannotBeSerialized() {
        String pid = newId();
        write(List.of(
                atomic(pid, 1, 1),
                AtomicWrite.apply(repr(pid, 2, TestEvent.of("fine")).withMetadata(new UnserializableEvent("m"))),
                atomic(pid, 3, 1)));
        probe.expectMessage(WAIT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
        probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class, WAIT);
        var rejected = probe.expectMessageClass(JournalProtocol.WriteMessageRejected.class, WAIT);
        assertEquals(2, rejected.message().sequenceNr());
        probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class, WAIT);
        assertEquals(
                List.of(1L, 3L), replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE).seqs());
    }

    /** A row as kaged wrote it before events had metadata (the columns of V1 only) replays with none. */
    @Test
    void readsRowsWrittenBeforeMetadataWasStored() throws Exception {
        String pid = newId();
        writeEvents(pid, 1, 1);
        Store store = StoreExtension.store(Adapter.toClassic(testKit.system()));
        store.write(pid, c -> {
                    try (var ps = c.prepareStatement(
                            "INSERT INTO journal (persistence_id, sequence_nr, writer_uuid,"
                                    + " write_timestamp, event_manifest, ser_id, ser_manifest, payload, tags)"
                                    + " SELECT persistence_id, 2, writer_uuid, write_timestamp, event_manifest, ser_id,"
                                    + " ser_manifest, payload, tags FROM journal WHERE persistence_id = ? AND sequence_nr = 1")) {
                        ps.setString(1, pid);
                        return ps.executeUpdate();
                    }
                })
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        Replayed r = replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE);
        assertEquals(range(1, 2), r.seqs());
        assertEquals(TestEvent.of("e-1"), r.payloads().get(1));
        assertEquals(Option.empty(), r.reprs().get(1).metadata());
    }
}
