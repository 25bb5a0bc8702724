package io.kaged.actors;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * The deletion step of a supervisor's purge (runs, sessions), once the actors concerned have stopped. The
 * stage it returns never fails: it yields the reply to send, success or error, so the supervisor can
 * send it and go on to the next purge from its own thread.
 */
public final class PurgeDeletion {

    private PurgeDeletion() {}

    public static <T> CompletionStage<Runnable> run(
            Supplier<CompletionStage<T>> deletion, ActorRef<StatusReply<T>> replyTo) {
        CompletionStage<T> running;
        try {
            running = deletion.get();
        } catch (RuntimeException e) {
            running = CompletableFuture.failedFuture(e);
        }
        return running.handle((value, failure) -> failure == null
                ? () -> replyTo.tell(StatusReply.success(value))
                : () -> replyTo.tell(StatusReply.error(unwrap(failure))));
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
