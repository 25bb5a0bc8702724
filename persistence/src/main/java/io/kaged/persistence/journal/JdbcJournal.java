package io.kaged.persistence.journal;

import com.typesafe.config.Config;
import io.kaged.persistence.serialization.PayloadCodec;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.store.StoreExtension;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.event.EventStream;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.DeleteMessagesFailure;
import org.apache.pekko.persistence.DeleteMessagesSuccess;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.NonPersistentRepr;
import org.apache.pekko.persistence.PersistentEnvelope;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.Tagged;
import scala.jdk.javaapi.CollectionConverters;

/**
 * kaged's Pekko journal ({@code kaged.persistence.journal}): the journal protocol answered with plain JDBC
 * on SQLite or PostgreSQL.
 *
 * <p>Storage design: one row per event in {@code journal}, keyed by (persistence id, sequence number),
 * holding the Pekko serializer id, manifest and bytes, so that the bytes can always be read back by the
 * serializer that wrote them. Serialization happens here, on the journal actor, which rejects an
 * unserializable {@link AtomicWrite} on its own without touching the others; the database work happens
 * on the store's write lanes ({@link JournalWriter}), which group the writes of many actors into one
 * transaction. Since it never blocks, the actor runs on the default dispatcher, beside the actors that
 * persist, and so does the task that tells them their replies after a commit. An {@code AtomicWrite} is
 * always inside one transaction, so it is visible whole or not at all.
 *
 * <p>Why an actor of its own and not Pekko's {@code AsyncWriteJournal}: that base class sends every reply
 * through a circuit breaker (a scheduled timeout per write), two future callbacks and a resequencing actor
 * that all writes of the system share, which cost more than the database on the journal benchmark. Here
 * the replies are told to the persistent actor straight from the lane's completion, in commit order: a
 * persistent actor never sends its next write before the last one is answered, and one id always uses one
 * lane, so its replies cannot overtake each other. There is no circuit breaker (a write that the database
 * refuses fails on its own) and no replay filter (the daemon holds the store lock, so there is one writer
 * per id). Pekko's journal-side {@code event-adapters} are not applied; a behavior's own event adapter is.
 *
 * <p>Trade-offs: deletes are physical (the store stays small, history before a delete is gone) with the
 * highest deleted number kept aside; there is no tag index or persistence query, since kaged reads its
 * query tables instead, which {@link JournalProjection}s keep in the same transaction as the events.
 *
 * <p>Pekko's event metadata ({@link PersistentRepr#metadata()}, which replicated event sourcing writes) is
 * serialized like the event, into columns of its own that stay NULL for events without any
 * (docs/adr/0053-persistence-metadata.md); metadata that cannot be serialized rejects its write as the
 * event would. With {@code pekko.persistence.publish-plugin-commands = on} the journal publishes each
 * {@code DeleteMessagesTo} and {@code ReplayMessages} it handled on the event stream once it has answered,
 * as Pekko's {@code AsyncWriteJournal} does: Pekko's plugin TCK relies on it.
 */
public final class JdbcJournal extends AbstractActor {

    private final Store store;
    private final PayloadCodec codec;
    private final JournalWriter writer;
    private final Clock clock = Clock.systemUTC();
    /** The sender of write replies, kept for the lane's threads, which must not touch the actor's context. */
    private final ActorRef journal;
    /** The journal's dispatcher, kept for callbacks on other threads, like {@link #journal}. */
    private final Executor dispatcher;

    private final EventStream events;
    private final boolean publishCommands;

    public JdbcJournal(Config config, String configPath) {
        if (config.hasPath("event-adapters")
                && !config.getConfig("event-adapters").isEmpty()) {
            throw new IllegalArgumentException(configPath + ".event-adapters is not supported by kaged's journal:"
                    + " give the EventSourcedBehavior an eventAdapter instead");
        }
        this.journal = self();
        this.dispatcher = context().dispatcher();
        this.events = context().system().eventStream();
        this.publishCommands =
                publishesPluginCommands(context().system().settings().config());
        // In a bare actor system the store opens and migrates on first use, which is here: once, holding
        // one thread of the default dispatcher for that time, while no persistent actor can start anyway.
        // The daemon opens its store before it spawns any.
        this.store = StoreExtension.store(context().system());
        this.codec = new PayloadCodec(context().system());
        this.writer = new JournalWriter(
                store,
                JournalSetup.of(context().system()),
                store.settings().maxBatchRows(),
                JournalMetrics.get(context().system()),
                dispatcher);
    }

    /** Pekko's own reading of the key (PersistenceSettings), which is not in its reference.conf. */
    private static boolean publishesPluginCommands(Config config) {
        String key = "pekko.persistence.publish-plugin-commands";
        return config.hasPath(key) && config.getBoolean(key);
    }

    @Override
    public Receive createReceive() {
        return receiveBuilder()
                .match(JournalProtocol.WriteMessages.class, this::write)
                .match(JournalProtocol.ReplayMessages.class, this::replay)
                .match(JournalProtocol.DeleteMessagesTo.class, this::delete)
                .build();
    }

    /** The outcome of one envelope of a write, before the database has answered. */
    private sealed interface Part {}

    private record Accepted(AtomicWrite write) implements Part {}

    private record Rejected(AtomicWrite write, Exception cause) implements Part {}

    private record Loop(NonPersistentRepr message) implements Part {}

    private void write(JournalProtocol.WriteMessages w) {
        List<Part> parts = new ArrayList<>(w.messages().size());
        List<JournalRow> rows = new ArrayList<>();
        long now = clock.millis();
        String persistenceId = null;
        int atomicWrites = 0;
        for (PersistentEnvelope envelope : CollectionConverters.asJava(w.messages())) {
            if (envelope instanceof AtomicWrite write) {
                atomicWrites++;
                try {
                    List<JournalRow> encoded = encode(write, now);
                    rows.addAll(encoded);
                    persistenceId = write.persistenceId();
                    parts.add(new Accepted(write));
                } catch (Exception rejected) {
                    parts.add(new Rejected(write, rejected));
                }
            } else if (envelope instanceof NonPersistentRepr loop) {
                parts.add(new Loop(loop));
            }
        }
        ActorRef to = w.persistentActor();
        int instance = w.actorInstanceId();
        int count = atomicWrites;
        if (rows.isEmpty()) {
            answer(parts, null, count, to, instance);
            return;
        }
        // A persistent actor writes only its own id; one lane per id keeps its writes in order.
        writer.insert(persistenceId, rows)
                .whenComplete(
                        (ok, failure) -> answer(parts, failure == null ? null : unwrap(failure), count, to, instance));
    }

    /**
     * Pekko's order: the batch's outcome first, then one reply per event (and per deferred message) in the
     * order they were sent. After a failure every event fails, the rejected ones too: nothing was stored.
     */
    private void answer(List<Part> parts, Throwable failure, int atomicWrites, ActorRef to, int instance) {
        to.tell(
                failure == null
                        ? JournalProtocol.WriteMessagesSuccessful$.MODULE$
                        : new JournalProtocol.WriteMessagesFailed(failure, atomicWrites),
                journal);
        for (Part part : parts) {
            if (part instanceof Loop l) {
                to.tell(
                        new JournalProtocol.LoopMessageSuccess(l.message().payload(), instance),
                        l.message().sender());
                continue;
            }
            AtomicWrite write = part instanceof Accepted a ? a.write() : ((Rejected) part).write();
            for (PersistentRepr p : reprs(write)) {
                Object reply;
                if (failure != null) {
                    reply = new JournalProtocol.WriteMessageFailure(p, failure, instance);
                } else if (part instanceof Rejected r) {
                    reply = new JournalProtocol.WriteMessageRejected(p, r.cause(), instance);
                } else {
                    reply = new JournalProtocol.WriteMessageSuccess(p, instance);
                }
                to.tell(reply, p.sender());
            }
        }
    }

    private static List<PersistentRepr> reprs(AtomicWrite write) {
        return CollectionConverters.asJava(write.payload());
    }

    /** Encodes every event of one atomic write, or throws so that the whole write is rejected. */
    private List<JournalRow> encode(AtomicWrite write, long now) throws Exception {
        List<JournalRow> rows = new ArrayList<>(write.size());
        for (PersistentRepr repr : reprs(write)) {
            Object payload = repr.payload();
            String tags = null;
            if (payload instanceof Tagged tagged) {
                payload = tagged.payload();
                tags = String.join(",", CollectionConverters.asJava(tagged.tags()));
            }
            rows.add(new JournalRow(
                    repr.persistenceId(),
                    repr.sequenceNr(),
                    repr.writerUuid(),
                    now,
                    repr.manifest(),
                    codec.encode(payload),
                    repr.metadata().isDefined() ? codec.encode(repr.metadata().get()) : null,
                    tags,
                    payload));
        }
        return rows;
    }

    /**
     * The highest sequence number is read on the id's write lane, so every write queued before it has
     * committed; the events are then read on a reader thread and decoded and told to the actor, in order,
     * on the journal's dispatcher ({@link ReplayStage}).
     */
    private void replay(JournalProtocol.ReplayMessages r) {
        String id = r.persistenceId();
        ActorRef to = r.persistentActor();
        writer.highestSequenceNr(id)
                .thenCompose(highest -> {
                    long upTo = Math.min(r.toSequenceNr(), highest);
                    if (upTo <= 0 || r.fromSequenceNr() > upTo) {
                        return CompletableFuture.completedFuture(highest);
                    }
                    ReplayStage<JournalProtocol.ReplayedMessage> decode = new ReplayStage<>(
                            dispatcher,
                            stored -> new JournalProtocol.ReplayedMessage(repr(id, stored)),
                            replayed -> to.tell(replayed, ActorRef.noSender()));
                    return store.read(c -> {
                                JournalDao.replay(c, id, r.fromSequenceNr(), upTo, r.max(), decode::accept);
                                return decode.finish();
                            })
                            .thenCompose(delivered -> delivered.thenApply(done -> highest));
                })
                .whenComplete((highest, failure) -> {
                    to.tell(
                            failure == null
                                    ? new JournalProtocol.RecoverySuccess(highest)
                                    : new JournalProtocol.ReplayMessagesFailure(unwrap(failure)),
                            ActorRef.noSender());
                    published(r);
                });
    }

    private PersistentRepr repr(String persistenceId, JournalDao.StoredEvent stored) {
        Object event = codec.decode(stored.encoded());
        PersistentRepr repr = PersistentRepr.apply(
                        event,
                        stored.sequenceNr(),
                        persistenceId,
                        stored.eventManifest(),
                        false,
                        ActorRef.noSender(),
                        stored.writerUuid())
                .withTimestamp(stored.writeTimestamp());
        return stored.metadata() == null ? repr : repr.withMetadata(codec.decode(stored.metadata()));
    }

    private void delete(JournalProtocol.DeleteMessagesTo d) {
        ActorRef to = d.persistentActor();
        long upTo = d.toSequenceNr();
        writer.deleteTo(d.persistenceId(), upTo).whenComplete((ok, failure) -> {
            to.tell(
                    failure == null
                            ? new DeleteMessagesSuccess(upTo)
                            : new DeleteMessagesFailure(unwrap(failure), upTo),
                    ActorRef.noSender());
            published(d);
        });
    }

    /** After the answer, as Pekko's journals do; {@link EventStream#publish} may be called from any thread. */
    private void published(Object command) {
        if (publishCommands) {
            events.publish(command);
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
