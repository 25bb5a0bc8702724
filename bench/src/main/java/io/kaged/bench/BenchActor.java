package io.kaged.bench;

import io.kaged.persistence.serialization.KagedSerializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The benchmarked event-sourced actor: it counts the events it has persisted on kaged's journal and
 * nothing else, so the benchmark measures the journal and Pekko Persistence, not domain logic. It never
 * snapshots, so a recovery replays every event.
 */
public final class BenchActor
        extends EventSourcedBehaviorWithEnforcedReplies<BenchActor.Command, BenchActor.Event, BenchActor.State> {

    public sealed interface Command {}

    /** Persists exactly one event, then replies. */
    public record Append(int writer, String data, ActorRef<Ack> replyTo) implements Command {}

    /** Persists {@code count} events in one atomic write, then replies: used to fill a journal quickly. */
    public record AppendBatch(int count, String data, ActorRef<Ack> replyTo) implements Command {}

    public record GetCount(ActorRef<Ack> replyTo) implements Command {}

    public record Stop(ActorRef<Done> replyTo) implements Command {}

    /** The reply to every command that counts: who asked and how many events the actor now holds. */
    public record Ack(int writer, long count) {}

    /** Sent once recovery has finished, stamped with {@link System#nanoTime()} at that moment. */
    public record Recovered(long count, long atNanos) {}

    public sealed interface Event extends KagedSerializable {}

    public record Appended(long number, String data) implements Event {}

    public record State(long count) {
        State next() {
            return new State(count + 1);
        }
    }

    private final ActorRef<Recovered> onRecovered;

    private BenchActor(PersistenceId persistenceId, ActorRef<Recovered> onRecovered) {
        super(persistenceId);
        this.onRecovered = onRecovered;
    }

    /**
     * @param onRecovered told when recovery completes; pass an ignoring ref when nobody waits for it
     */
    public static Behavior<Command> create(String persistenceId, ActorRef<Recovered> onRecovered) {
        return new BenchActor(PersistenceId.ofUniqueId(persistenceId), onRecovered);
    }

    @Override
    public String journalPluginId() {
        return "kaged.persistence.journal";
    }

    @Override
    public String snapshotPluginId() {
        return "kaged.persistence.snapshot-store";
    }

    @Override
    public State emptyState() {
        return new State(0);
    }

    @Override
    public CommandHandlerWithReply<Command, Event, State> commandHandler() {
        return newCommandHandlerWithReplyBuilder()
                .forAnyState()
                .onCommand(Append.class, this::append)
                .onCommand(AppendBatch.class, this::appendBatch)
                .onCommand(GetCount.class, (state, c) -> Effect().reply(c.replyTo(), new Ack(-1, state.count())))
                .onCommand(Stop.class, (state, c) -> Effect().stop().thenReply(c.replyTo(), s -> Done.getInstance()))
                .build();
    }

    private ReplyEffect<Event, State> append(State state, Append c) {
        return Effect()
                .persist(new Appended(state.count() + 1, c.data()))
                .thenReply(c.replyTo(), s -> new Ack(c.writer(), s.count()));
    }

    private ReplyEffect<Event, State> appendBatch(State state, AppendBatch c) {
        List<Event> events = new ArrayList<>(c.count());
        for (int i = 1; i <= c.count(); i++) {
            events.add(new Appended(state.count() + i, c.data()));
        }
        return Effect().persist(events).thenReply(c.replyTo(), s -> new Ack(-1, s.count()));
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder()
                .forAnyState()
                .onEvent(Appended.class, (state, e) -> state.next())
                .build();
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(
                        RecoveryCompleted.class,
                        (state, signal) -> onRecovered.tell(new Recovered(state.count(), System.nanoTime())))
                .build();
    }
}
