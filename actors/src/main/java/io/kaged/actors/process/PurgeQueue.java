package io.kaged.actors.process;

import io.kaged.actors.HeldCommands;
import io.kaged.actors.PurgeDeletion;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.pattern.StatusReply;

/**
 * A supervisor's purges (of runs, of sessions), one at a time in the order asked. A purge asks every
 * actor of its ids to stop and holds each command for them; once all have stopped it runs the deletion,
 * then lets the held commands through (to fresh actors, which find nothing) and answers. An actor that
 * declines to stop (live, still finishing) makes the purge refused, with nothing deleted. So no command
 * races the deletion and no actor keeps a purged id in memory.
 *
 * <p>Used from the supervisor's own thread only; the supervisor routes its {@code Stopped} and
 * {@code PurgeEnded} messages here.
 *
 * @param <C> the children's command type
 * @param <M> the supervisor's command type
 */
public final class PurgeQueue<C, M> {

    /** What a purge asks for; the reply is the deletion's result, or an error naming an id that would not stop. */
    public interface Request<T> {
        List<String> ids();

        Supplier<CompletionStage<T>> deletion();

        ActorRef<StatusReply<T>> replyTo();
    }

    private final ActorContext<M> context;
    private final ChildActors<C> children;
    private final HeldCommands<C> held;
    private final Consumer<ActorRef<C>> askToStop;
    private final Function<String, M> stopped;
    private final Function<Runnable, M> ended;
    private final Function<String, String> refusal;

    private final Deque<Request<?>> waiting = new ArrayDeque<>();
    /** The purge under way, if any. */
    private Request<?> purging;
    /** Ids of the purge under way whose actors have not answered its stop yet. */
    private final Set<String> awaitingStop = new HashSet<>();
    /** An id of the purge under way whose actor declined to stop. */
    private String declined;
    /** The purge under way has started its deletion. */
    private boolean deleting;

    /**
     * @param held the supervisor's held commands, shared with anything else that stops its children
     * @param askToStop how a child is asked to stop (a message through its mailbox, or a plain stop)
     * @param stopped the supervisor's message for a watched child that has stopped
     * @param ended the supervisor's message for a deletion that has ended, carrying the reply to send
     * @param refusal the refusal's text, by the id that declined
     */
    public PurgeQueue(
            ActorContext<M> context,
            ChildActors<C> children,
            HeldCommands<C> held,
            Consumer<ActorRef<C>> askToStop,
            Function<String, M> stopped,
            Function<Runnable, M> ended,
            Function<String, String> refusal) {
        this.context = context;
        this.children = children;
        this.held = held;
        this.askToStop = askToStop;
        this.stopped = stopped;
        this.ended = ended;
        this.refusal = refusal;
    }

    public void add(Request<?> request) {
        waiting.add(request);
        if (purging == null) {
            startNext();
        }
    }

    /** Whether {@code id} belongs to the purge under way: its stop and decline go here. */
    public boolean covers(String id) {
        return purging != null && purging.ids().contains(id);
    }

    /** The actor of {@code id} of the purge under way has stopped. */
    public void stopped(String id) {
        awaitingStop.remove(id);
        proceed();
    }

    /** The actor of {@code id} of the purge under way declined to stop: the purge will be refused. */
    public void declined(String id) {
        children.existing(id).ifPresent(ref -> context.unwatch(ref));
        awaitingStop.remove(id);
        declined = declined == null ? id : declined;
        proceed();
    }

    /** The deletion has ended: lets the held commands through, answers, starts the next purge. */
    public void ended(Runnable reply) {
        for (String id : purging.ids()) {
            held.releaseTo(id, () -> children.get(id));
        }
        reply.run();
        purging = null;
        deleting = false;
        startNext();
    }

    private void startNext() {
        purging = waiting.poll();
        if (purging == null) {
            return;
        }
        declined = null;
        awaitingStop.clear();
        for (String id : purging.ids()) {
            if (held.isHolding(id)) {
                // already asked to stop (passivation): its stop or decline is on the way
                awaitingStop.add(id);
                continue;
            }
            held.hold(id);
            children.existing(id).ifPresent(ref -> {
                awaitingStop.add(id);
                context.watchWith(ref, stopped.apply(id));
                askToStop.accept(ref);
            });
        }
        proceed();
    }

    /** Once every actor of the purge has answered: refuse it if one declined, else run the deletion. */
    private void proceed() {
        if (!awaitingStop.isEmpty() || deleting) {
            return;
        }
        if (declined != null) {
            ended(refuse(purging, refusal.apply(declined)));
            return;
        }
        deleting = true;
        context.pipeToSelf(delete(purging), (reply, failure) -> ended.apply(reply));
    }

    private static <T> CompletionStage<Runnable> delete(Request<T> r) {
        return PurgeDeletion.run(r.deletion(), r.replyTo());
    }

    private static <T> Runnable refuse(Request<T> r, String reason) {
        return () -> r.replyTo().tell(StatusReply.error(reason));
    }
}
