package io.kaged.http.routes;

import io.kaged.actors.session.SessionQueries;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /v1/sessions/{id}/checkpoints} and {@code .../checkpoints/{cp}/diff}: a session's checkpoints
 * are its pauses, and for a session with a workspace each recorded its files. Sessions have no rollback.
 */
final class SessionCheckpoints extends AllDirectives {

    private final SessionQueries queries;
    private final Json json;
    private final WorkspaceDiff workspace;

    SessionCheckpoints(SessionQueries queries, Json json, WorkspaceDiff workspace) {
        this.queries = queries;
        this.json = json;
        this.workspace = workspace;
    }

    Route list(String id) {
        return completeWithFuture(queries.get(id)
                .thenCompose(v -> v.isEmpty()
                        ? ActorCalls.done(noSession(id))
                        : queries.checkpoints(id)
                                .thenApply(list -> json.reply(StatusCodes.OK, Map.of("items", list)))));
    }

    /** 404 for an unknown session or a checkpoint not of it, 409 for a checkpoint without a snapshot. */
    Route diff(String id, String checkpointId) {
        return parameterMap(params -> {
            QueryParams.requireKnown(params, java.util.Set.of("patch"));
            boolean patch = QueryParams.bool(params, "patch");
            return completeWithFuture(queries.get(id).thenCompose(v -> {
                if (v.isEmpty()) {
                    return ActorCalls.done(noSession(id));
                }
                return queries.checkpoints(id).thenCompose(list -> {
                    if (list.stream().noneMatch(cp -> cp.id().equals(checkpointId))) {
                        return ActorCalls.done(Problem.response(
                                StatusCodes.NOT_FOUND,
                                "Session " + id + " has no checkpoint " + checkpointId + "; GET /v1/sessions/" + id
                                        + "/checkpoints lists them."));
                    }
                    return workspace
                            .diff("session", id, v.get().cwd(), checkpointId, patch)
                            .thenApply(d -> d.diff() != null
                                    ? json.reply(StatusCodes.OK, d.diff())
                                    : Problem.response(StatusCodes.CONFLICT, d.conflict()));
                });
            }));
        });
    }

    private static HttpResponse noSession(String id) {
        return Problem.response(StatusCodes.NOT_FOUND, "No session with id '" + id + "'. GET /v1/sessions lists them.");
    }
}
