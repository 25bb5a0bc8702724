package io.kaged.http.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.query.Paging;
import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunSupervisor;
import io.kaged.actors.run.agent.ApprovalQueries;
import io.kaged.http.HttpSettings;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /v1/approvals}: the permission requests of ACP agents, pending and decided, from the approvals
 * table; an operator's decision goes to the run actor, which journals it (and so audits it) before the
 * agent hears it.
 */
public final class ApprovalRoutes extends AllDirectives {

    /** Body of {@code POST /v1/approvals/{id}}. */
    record Decide(String optionId) {}

    private static final Set<String> PARAMS = Set.of("state", "runId", "project", "after", "order", "limit", "offset");

    private final ApprovalQueries queries;
    private final ActorCalls<RunSupervisor.Command> calls;
    private final Json json;

    public ApprovalRoutes(
            ActorSystem<?> system,
            ActorRef<RunSupervisor.Command> runs,
            ApprovalQueries queries,
            AuditTrail audit,
            HttpSettings settings,
            ObjectMapper mapper) {
        this.queries = queries;
        this.calls = new ActorCalls<>(system, runs, settings.askTimeout(), audit);
        this.json = new Json(mapper);
    }

    public Route route() {
        return pathPrefix(
                "approvals",
                () -> concat(
                        pathEnd(() -> get(this::list)),
                        path(PathMatchers.segment(), id -> concat(get(() -> getOne(id)), post(() -> decide(id))))));
    }

    private Route list() {
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
                    paging);
            return onSuccess(queries.list(filter), page -> complete(json.reply(StatusCodes.OK, page)));
        });
    }

    private Route getOne(String id) {
        return completeWithFuture(queries.get(id)
                .thenApply(v -> v.map(a -> json.reply(StatusCodes.OK, a)).orElseGet(() -> noApproval(id))));
    }

    private Route decide(String id) {
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
                return calls.<String>call(
                        ActorCalls.Action.of("api", "approval.decide", id, "option " + body.optionId()),
                        r -> new RunSupervisor.Deliver(
                                runId, new RunActor.DecideApproval(id, body.optionId(), "api", r)),
                        answer -> decided(id));
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
