package io.kaged.bench.fill;

import io.kaged.persistence.serialization.KagedSerializable;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.Recovery;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * Writes a made-up history under a real actor's persistence id ({@code run|<id>}, {@code session|<id>})
 * in one atomic write, through kaged's journal plugin and so through its projections, then stops. It
 * does what the run and session actors do when they persist, without their processes: the events are
 * theirs, so the real actors recover from them.
 *
 * <p>It replays nothing (a fill writes new ids only): recovery just learns the id's highest sequence
 * number, and an id that already has events is refused rather than extended.
 */
final class HistoryWriter
        extends EventSourcedBehaviorWithEnforcedReplies<HistoryWriter.Command, KagedSerializable, Long> {

    sealed interface Command {}

    /** Persist these events; the reply says how many the id then holds. */
    record Persist(List<? extends KagedSerializable> events, ActorRef<StatusReply<Long>> replyTo) implements Command {}

    /** The guardian's protocol: spawn a writer for the id and hand it the events. */
    record Write(String persistenceId, List<? extends KagedSerializable> events, ActorRef<StatusReply<Long>> replyTo) {}

    private final ActorContext<Command> context;

    private HistoryWriter(ActorContext<Command> context, String persistenceId) {
        super(PersistenceId.ofUniqueId(persistenceId));
        this.context = context;
    }

    /** The root of the fill's actor system: one short-lived writer per history. */
    static Behavior<Write> guardian() {
        return Behaviors.setup(ctx -> Behaviors.receiveMessage(w -> {
            ActorRef<Command> writer =
                    ctx.spawnAnonymous(Behaviors.<Command>setup(c -> new HistoryWriter(c, w.persistenceId())));
            writer.tell(new Persist(w.events(), w.replyTo()));
            return Behaviors.same();
        }));
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
    public Recovery recovery() {
        return Recovery.disabled();
    }

    @Override
    public Long emptyState() {
        return 0L;
    }

    @Override
    public CommandHandlerWithReply<Command, KagedSerializable, Long> commandHandler() {
        return newCommandHandlerWithReplyBuilder()
                .forAnyState()
                .onCommand(Persist.class, this::persist)
                .build();
    }

    private ReplyEffect<KagedSerializable, Long> persist(Long count, Persist c) {
        long held = lastSequenceNumber(context);
        if (held > 0) {
            return Effect()
                    .stop()
                    .thenReply(
                            c.replyTo(),
                            s -> StatusReply.error(persistenceId().id() + " already holds " + held + " events"));
        }
        return Effect().persist(List.copyOf(c.events())).thenStop().thenReply(c.replyTo(), StatusReply::success);
    }

    @Override
    public EventHandler<Long, KagedSerializable> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent((count, e) -> count + 1);
    }
}
