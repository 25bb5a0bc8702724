package io.kaged.http.routes;

import io.kaged.actors.process.ProcessNotReady;
import io.kaged.persistence.store.StoreExtension;
import io.kaged.persistence.store.StoreHealth;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;

/**
 * The one way a route has an actor do something: ask, audit the outcome, answer. An actor's refusal is a
 * 409 with its reason (audited {@code refused}); a failure that is not a refusal goes on to {@link
 * ErrorHandling}; a command that could not wait for its process ({@link ProcessNotReady}) and no answer
 * within {@code kaged.http.ask-timeout} are a 503
 * with Retry-After (audited {@code failed}): the daemon is busy, and the same request may work later.
 * While the store does not take writes, a call is refused at once with the store's 507 or 503, before
 * anything is asked ({@link #writing} refuses before the route's own reads, too).
 *
 * @param <C> the protocol of the actor asked (a supervisor, which delivers to the run or session)
 */
final class ActorCalls<C> {

    /**
     * Who asked, what, about which id, and what the audit row says when it worked.
     *
     * @param lateNote what a client should know when no answer came in time, for an action that may still
     *     complete; null for the common sentence
     */
    record Action(String who, String kind, String subject, String okDetail, boolean auditOk, String lateNote) {

        static Action of(String who, String kind, String subject, String okDetail) {
            return new Action(who, kind, subject, okDetail, true, null);
        }

        /** An action whose success the store audits itself, in the transaction that does it. */
        static Action auditedByStore(String who, String kind, String subject) {
            return new Action(who, kind, subject, null, false, null);
        }

        Action lateNote(String note) {
            return new Action(who, kind, subject, okDetail, auditOk, note);
        }

        /** "run 0193…", "session 0193…": what did not answer. */
        String target() {
            int dot = kind.indexOf('.');
            return (dot > 0 ? kind.substring(0, dot) : kind) + " " + subject;
        }
    }

    private final ActorSystem<?> system;
    private final ActorRef<C> target;
    private final Duration timeout;
    private final AuditTrail audit;
    private final StoreHealth health;

    ActorCalls(ActorSystem<?> system, ActorRef<C> target, Duration timeout, AuditTrail audit) {
        this.system = system;
        this.target = target;
        this.timeout = timeout;
        this.audit = audit;
        this.health = StoreExtension.store(system.classicSystem()).health();
    }

    /** How often a call waiting for its actor looks whether the store has stopped taking writes. */
    private static final Duration FAULT_CHECK = Duration.ofMillis(250);

    /** Asks, audits, and answers with {@code onOk} for a success. */
    <T> CompletionStage<HttpResponse> call(
            Action action,
            Function<ActorRef<StatusReply<T>>, C> message,
            Function<T, CompletionStage<HttpResponse>> onOk) {
        Optional<StoreHealth.Fault> already = health.fault();
        if (already.isPresent()) {
            // refused before anything is asked: nothing of it can be recorded, or started later
            return done(Problem.storeFault(already.get()));
        }
        AtomicReference<StoreHealth.Fault> faulted = new AtomicReference<>();
        CompletableFuture<StatusReply<T>> asked = AskPattern.<C, StatusReply<T>>ask(
                        target, message::apply, timeout, system.scheduler())
                .toCompletableFuture();
        watchStore(asked, faulted);
        return asked.handle((reply, failure) -> {
                    if (failure == null && reply == null) {
                        // the store stopped taking writes while the actor had it: its write failed
                        return done(Problem.storeFault(faulted.get()));
                    }
                    if (failure != null) {
                        String reason = action.target() + " did not answer within " + timeout.toSeconds() + " s; "
                                + (action.lateNote() != null
                                        ? action.lateNote()
                                        : "the daemon may be overloaded. Send the request again after "
                                                + Problem.RETRY_AFTER_SECONDS + " s (Retry-After)");
                        audit.record(action.who(), action.kind(), action.subject(), "failed", reason);
                        return done(Problem.unavailable(reason));
                    }
                    if (reply.isError() && reply.getError() instanceof ProcessNotReady notReady) {
                        // the command could not wait for the process: timing, not state, so not a 409
                        String reason = notReady.getMessage();
                        audit.record(action.who(), action.kind(), action.subject(), "failed", reason);
                        long seconds = (notReady.retryAfter().toMillis() + 999) / 1000;
                        return done(Problem.unavailable(reason, seconds));
                    }
                    if (reply.isError() && !(reply.getError() instanceof StatusReply.ErrorMessage)) {
                        Optional<StoreHealth.Fault> fault = health.faultIn(reply.getError());
                        if (fault.isPresent()) {
                            // a purge's deletion, in one transaction with its audit row: nothing of it is left
                            return done(Problem.storeFault(fault.get()));
                        }
                        // not a refusal but a failure of kaged's own: the exception handler's to answer
                        throw new java.util.concurrent.CompletionException(reply.getError());
                    }
                    if (reply.isError()) {
                        String reason = reply.getError().getMessage();
                        audit.record(action.who(), action.kind(), action.subject(), "refused", reason);
                        return done(Problem.conflict(reason));
                    }
                    if (action.auditOk()) {
                        audit.record(action.who(), action.kind(), action.subject(), "ok", action.okDetail());
                    }
                    return onOk.apply(reply.getValue());
                })
                .thenCompose(answer -> answer);
    }

    /**
     * Ends the wait for {@code asked} (with null) as soon as the store has stopped taking writes: the
     * actor's write failed and it will not answer, so the client learns it within a fraction of a second
     * rather than at the ask's time-out.
     */
    private <T> void watchStore(CompletableFuture<T> asked, AtomicReference<StoreHealth.Fault> faulted) {
        system.scheduler()
                .scheduleOnce(
                        FAULT_CHECK,
                        () -> {
                            if (asked.isDone()) {
                                return;
                            }
                            Optional<StoreHealth.Fault> f = health.fault();
                            if (f.isPresent()) {
                                faulted.set(f.get());
                                asked.complete(null);
                            } else {
                                watchStore(asked, faulted);
                            }
                        },
                        system.executionContext());
    }

    /**
     * {@code inner}, unless the store does not take writes now: then the store's answer, before the route
     * reads anything (which a PostgreSQL server gone would make wait for a connection) or asks an actor. So
     * a live session is not terminated for a purge that cannot be recorded, either.
     */
    Route writing(Supplier<Route> inner) {
        return Directives.extractRequestContext(request -> health.fault()
                .map(fault -> Directives.complete(Problem.storeFault(fault)))
                .orElseGet(inner));
    }

    /** Asks without auditing or answering: for a step whose outcome the next step decides on. */
    <T> CompletionStage<StatusReply<T>> ask(Function<ActorRef<StatusReply<T>>, C> message) {
        return AskPattern.<C, StatusReply<T>>ask(target, message::apply, timeout, system.scheduler())
                .exceptionally(e -> StatusReply.error("no answer within " + timeout.toSeconds() + " s"));
    }

    static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
