package io.kaged.http.routes;

import io.kaged.actors.run.RunQueries;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The one rule of what a run's {@code KAGED_TOKEN} may do to a run (ADR-0075): read its own run and its
 * descendants (children, grandchildren, ...); steer (cancel, pause, resume, checkpoint, roll back, prompt,
 * cancel a turn, answer approvals) its descendants only, never its own run, whose steering is its parent's
 * or the operator's; nothing outside its subtree. The daemon's token (an empty scope) may do everything.
 */
final class RunScope extends AllDirectives {

    /** Where a run stands to the run a token belongs to. */
    enum Relation {
        /** The token's own run. */
        SELF,
        /** A child of it, or a child of one, at any depth. */
        DESCENDANT,
        /** Anything else, including a run that does not exist. */
        OUTSIDE
    }

    /** What a run's token may do, for the 403s: a client should not have to guess. */
    static final String MAY = "it may start child runs of its own run; read its own run and its descendant runs;"
            + " cancel, pause, resume, checkpoint, roll back, prompt, cancel the turn of and answer the approvals"
            + " of its descendant runs (/v1/runs, /v1/approvals); nothing else";

    private final RunQueries queries;
    /** Where a refused command is recorded; null where the caller audits its refusals itself. */
    private final AuditTrail audit;

    RunScope(RunQueries queries) {
        this(queries, null);
    }

    RunScope(RunQueries queries, AuditTrail audit) {
        this.queries = queries;
        this.audit = audit;
    }

    /** Who the audit names for a request with this scope: "api" for the daemon's token, "run:ID" for a run's. */
    static String actor(Optional<String> scope) {
        return scope.map(run -> "run:" + run).orElse("api");
    }

    CompletionStage<Relation> relation(String scope, String id) {
        if (scope.equals(id)) {
            return ActorCalls.done(Relation.SELF);
        }
        return queries.isDescendant(id, scope).thenApply(d -> d ? Relation.DESCENDANT : Relation.OUTSIDE);
    }

    /** {@code inner} when the token may read run {@code id} (its own run or a descendant); else a 403. */
    Route reads(Optional<String> scope, String id, Supplier<Route> inner) {
        if (scope.isEmpty() || scope.get().equals(id)) {
            return inner.get();
        }
        return onSuccess(
                relation(scope.get(), id),
                r -> r == Relation.DESCENDANT
                        ? inner.get()
                        : complete(forbidden("read run " + id + ", outside its subtree")));
    }

    /**
     * {@code inner} when the token may {@code what} (a verb: "cancel", "prompt") run {@code id}: a descendant
     * of its run; else a 403 saying why, audited as {@code run.steer} refused: a run that tries to steer
     * what is not its own is worth an operator's look.
     */
    Route steers(Optional<String> scope, String id, String what, Supplier<Route> inner) {
        if (scope.isEmpty()) {
            return inner.get();
        }
        return onSuccess(relation(scope.get(), id), r -> switch (r) {
            case DESCENDANT -> inner.get();
            case SELF ->
                refuse(
                        scope.get(),
                        id,
                        what + " its own run " + id
                                + ": a run is steered by its parent's token or the operator, and ends by exiting");
            case OUTSIDE -> refuse(scope.get(), id, what + " run " + id + ", which is not one of its descendants");
        });
    }

    private Route refuse(String scope, String id, String why) {
        if (audit != null) {
            audit.record("run:" + scope, "run.steer", id, "refused", "may not " + why);
        }
        return complete(forbidden(why));
    }

    /** The 403 for a run's token, naming what it may do. */
    static HttpResponse forbidden(String what) {
        return Problem.response(StatusCodes.FORBIDDEN, "A run's KAGED_TOKEN may not " + what + "; " + MAY + ".");
    }
}
