package io.kaged.persistence.testing;

import io.kaged.persistence.serialization.KagedSerializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * A test actor that persists events in groups (one command, several events: one AtomicWrite each), with
 * a snapshot every few events when asked. Its state is the events' text, so a recovered actor can be
 * compared with what was written.
 */
public final class GroupWriter extends EventSourcedBehavior<GroupWriter.Command, TestEvent, GroupWriter.State> {

    public sealed interface Command extends KagedSerializable {}

    /** Persist {@code size} events of group {@code group}, then reply with the state. */
    public record Write(long group, int size, ActorRef<State> replyTo) implements Command {}

    /** Keep writing groups of {@code size} forever, without replies: for crash tests. */
    public record WriteForever(int size) implements Command {}

    public record Get(ActorRef<State> replyTo) implements Command {}

    public record State(List<String> texts) implements KagedSerializable {
        State add(TestEvent e) {
            List<String> next = new ArrayList<>(texts);
            next.add(e.text());
            return new State(List.copyOf(next));
        }
    }

    private final int snapshotEvery;

    private GroupWriter(PersistenceId id, int snapshotEvery) {
        super(id);
        this.snapshotEvery = snapshotEvery;
    }

    public static Behavior<Command> create(String id, int snapshotEvery) {
        return new GroupWriter(PersistenceId.ofUniqueId(id), snapshotEvery);
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
    public RetentionCriteria retentionCriteria() {
        return snapshotEvery > 0 ? RetentionCriteria.snapshotEvery(snapshotEvery, 2) : RetentionCriteria.disabled();
    }

    @Override
    public State emptyState() {
        return new State(List.of());
    }

    private static List<TestEvent> group(long group, int size) {
        List<TestEvent> events = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            events.add(new TestEvent("g" + group + "-" + i, group, i, size));
        }
        return events;
    }

    @Override
    public CommandHandler<Command, TestEvent, State> commandHandler() {
        return newCommandHandlerBuilder()
                .forAnyState()
                .onCommand(
                        Write.class,
                        (s, c) -> Effect().persist(group(c.group(), c.size())).thenReply(c.replyTo(), st -> st))
                .onCommand(WriteForever.class, (s, c) -> Effect()
                        .persist(group(s.texts().size(), c.size()))
                        .thenRun(st -> selfTell(c)))
                .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), s))
                .build();
    }

    private org.apache.pekko.actor.typed.javadsl.ActorContext<Command> context;

    private void selfTell(Command c) {
        context.getSelf().tell(c);
    }

    /** Like {@link #create} but able to message itself, for {@link WriteForever}. */
    public static Behavior<Command> createLooping(String id) {
        return org.apache.pekko.actor.typed.javadsl.Behaviors.setup(ctx -> {
            GroupWriter w = new GroupWriter(PersistenceId.ofUniqueId(id), 0);
            w.context = ctx;
            return w;
        });
    }

    @Override
    public EventHandler<State, TestEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(State::add);
    }
}
