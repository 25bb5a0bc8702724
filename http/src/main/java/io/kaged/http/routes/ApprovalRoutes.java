package io.kaged.http.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.query.Paging;
import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunQueries;
import io.kaged.actors.run.RunSupervisor;
import io.kaged.actors.run.agent.ApprovalQueries;
import io.kaged.http.HttpSettings;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /v1/approvals}: the permission requests of ACP agents, pending and decided, from the approvals
 * table; a decision goes to the run actor, which journals it (and so audits it, naming who decided) before
 * the agent hears it. A run's token sees and answers the approvals of its descendant runs only, never its
 * own run's: an agent approving its own permission requests would make them pointless (ADR-0075).
 */
public final class ApprovalRoutes extends AllDirectives {

    /** Body of {@code POST /v1/approvals/{id}}. */
    record Decide(String optionId) {}

    private static final Set<String> PARAMS = Set.of("state", "runId", "project", "after", "order", "limit", "offset");

    private final ApprovalQueries queries;
    private final ActorCalls<RunSupervisor.Command> calls;
    private final Json json;
    private final RunScope scopes;
    private final AuditTrail audit;

    public ApprovalRoutes(
            ActorSystem<?> system,
            ActorRef<RunSupervisor.Command> runs,
            RunQueries runQueries,
            ApprovalQueries queries,
            AuditTrail audit,
            HttpSettings settings,
            ObjectMapper mapper) {
        this.queries = queries;
        this.calls = new ActorCalls<>(system, runs, settings.askTimeout(), audit);
        this.json = new Json(mapper);
        this.scopes = new RunScope(runQueries);
        this.audit = audit;
    }

    /** @param scope empty for the daemon's token; a run id for that run's {@code KAGED_TOKEN} */
    public Route route(Optional<String> scope) {
        return pathPrefix(
                "approvals",
                () -> concat(
                        pathEnd(() -> get(() -> list(scope))),
                        path(
                                PathMatchers.segment(),
                                id -> concat(get(() -> getOne(scope, id)), post(() -> decide(scope, id))))));
    }

    private Route list(Optional<String> scope) {
        return parameterMap(params -> {
            QueryParams.requireKnown(params, PARAMS);
            Paging paging = QueryParams.paging(params, List.of("after"), false);
            String runId = params.get("runId");
            if (runId != null && (runId.isEmpty() || runId.length() > 64)) {
                throw new JsonBodies.BadRequest("Parameter 'runId' must be a run's id of 1 to 64 characters.");
            }
            JsonBodies.noNul("runId", runId);
            JsonBodies.noNul("project", params.get("project"));
            ApprovalQueries.Filter filter = new ApprovalQueries.Filter(
                    QueryParams.oneOf(params, "state", Set.of("pending", "decided")),
                    runId,
                    params.get("project"),
                    scope.orElse(null),
                    paging);
            // a supplier: the query runs only once the scope allows it
            Supplier<Route> page = () -> onSuccess(queries.list(filter), p -> complete(json.reply(StatusCodes.OK, p)));
            if (scope.isEmpty() || runId == null) {
                return page.get();
            }
            return onSuccess(
                    scopes.relation(scope.get(), runId),
                    r -> r == RunScope.Relation.DESCENDANT
                            ? page.get()
                            : complete(refused(scope.get(), r, "see", runId)));
        });
    }

    private Route getOne(Optional<String> scope, String id) {
        return completeWithFuture(queries.get(id)
                .thenCompose(v -> v.isEmpty()
                        ? ActorCalls.done(noApproval(id))
                        : allowed(
                                scope,
                                v.get().runId(),
                                "see",
                                () -> ActorCalls.done(json.reply(StatusCodes.OK, v.get())))));
    }

    /**
     * {@code then} when the token may {@code what} the approvals of run {@code runId}: the daemon's token
     * always, a run's token for a descendant run only.
     */
    private CompletionStage<HttpResponse> allowed(
            Optional<String> scope, String runId, String what, Supplier<CompletionStage<HttpResponse>> then) {
        if (scope.isEmpty()) {
            return then.get();
        }
        return scopes.relation(scope.get(), runId)
                .thenCompose(r -> r == RunScope.Relation.DESCENDANT
                        ? then.get()
                        : ActorCalls.done(refused(scope.get(), r, what, runId)));
    }

    private static HttpResponse refused(String scope, RunScope.Relation r, String what, String runId) {
        return RunScope.forbidden(refusal(scope, r, what, runId));
    }

    private static String refusal(String scope, RunScope.Relation r, String what, String runId) {
        return r == RunScope.Relation.SELF
                ? what + " the approvals of its own run " + scope
                        + ": an agent answering its own permission requests would make them pointless;"
                        + " its parent run or the operator decides them"
                : what + " the approvals of run " + runId + ", which is not one of its descendants";
    }

    private Route decide(Optional<String> scope, String id) {
        return json.body(Decide.class, body -> {
            if (body.optionId() == null || body.optionId().isEmpty()) {
                throw new JsonBodies.BadRequest("Field 'optionId' is required: one of the approval's options, e.g."
                        + " \"allow_once\"; GET /v1/approvals/" + id + " lists them.");
            }
            JsonBodies.noNul("optionId", body.optionId());
            if (body.optionId().length() > 200) {
                throw new JsonBodies.BadRequest("Field 'optionId' holds at most 200 characters.");
            }
            return completeWithFuture(queries.get(id).thenCompose(found -> {
                if (found.isEmpty()) {
                    return ActorCalls.done(noApproval(id));
                }
                String runId = found.get().runId();
                String who = RunScope.actor(scope);
                String by = scope.isEmpty() ? "operator api" : who;
                CompletionStage<HttpResponse> relation = scope.isEmpty()
                        ? ActorCalls.done(null)
                        : scopes.relation(scope.get(), runId).thenApply(r -> {
                            if (r == RunScope.Relation.DESCENDANT) {
                                return null;
                            }
                            // an agent trying to answer its own or a stranger's request is worth an operator's look
                            String reason = refusal(scope.get(), r, "answer", runId);
                            audit.record(who, "approval.decide", id, "refused", reason);
                            return RunScope.forbidden(reason);
                        });
                return relation.thenCompose(refusal -> refusal != null
                        ? ActorCalls.done(refusal)
                        : calls.<String>call(
                                ActorCalls.Action.of(who, "approval.decide", id, "option " + body.optionId()),
                                r -> new RunSupervisor.Deliver(
                                        runId, new RunActor.DecideApproval(id, body.optionId(), by, r)),
                                answer -> decided(id)));
            }));
        });
    }

    private CompletionStage<HttpResponse> decided(String id) {
        return queries.get(id).thenApply(v -> json.reply(StatusCodes.OK, v.orElseThrow()));
    }

    private static HttpResponse noApproval(String id) {
        return Problem.response(
                StatusCodes.NOT_FOUND, "No approval with id '" + id + "'. GET /v1/approvals lists them.");
    }
}
