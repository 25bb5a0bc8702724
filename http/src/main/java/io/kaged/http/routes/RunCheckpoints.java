package io.kaged.http.routes;

import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunQueries;
import io.kaged.actors.run.RunSummary;
import io.kaged.actors.run.RunSupervisor;
import io.kaged.actors.run.RunView;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code /v1/runs/{id}/checkpoints} and {@code /v1/runs/{id}/rollback}. */
final class RunCheckpoints extends AllDirectives {

    /** Body of {@code POST /v1/runs/{id}/checkpoints}; the body may be left out. */
    record CheckpointBody(String label) {}

    /** Body of {@code POST /v1/runs/{id}/rollback}. */
    record RollbackBody(String checkpointId) {}

    private final RunQueries queries;
    private final ActorCalls<RunSupervisor.Command> calls;
    private final Json json;
    private final WorkspaceDiff workspace;

    RunCheckpoints(RunQueries queries, ActorCalls<RunSupervisor.Command> calls, Json json, WorkspaceDiff workspace) {
        this.queries = queries;
        this.calls = calls;
        this.json = json;
        this.workspace = workspace;
    }

    Route list(String id) {
        return completeWithFuture(queries.get(id)
                .thenCompose(v -> v.isEmpty()
                        ? ActorCalls.done(RunRoutes.noRun(id))
                        : queries.checkpoints(id)
                                .thenApply(list -> json.reply(StatusCodes.OK, Map.of("items", list)))));
    }

    Route take(String who, String id) {
        return json.optionalBody(CheckpointBody.class, body -> {
            String label = body == null ? null : body.label();
            if (label != null && label.length() > 200) {
                throw new JsonBodies.BadRequest("Field 'label' holds at most 200 characters.");
            }
            JsonBodies.noNul("label", label);
            return completeWithFuture(queries.get(id)
                    .thenCompose(v -> v.isEmpty()
                            ? ActorCalls.done(RunRoutes.noRun(id))
                            : calls.<String>call(
                                    ActorCalls.Action.of(who, "run.checkpoint", id, label),
                                    r -> new RunSupervisor.Deliver(id, new RunActor.Checkpoint(label, r)),
                                    checkpoint -> ActorCalls.done(json.reply(
                                            StatusCodes.CREATED,
                                            Map.of("id", checkpoint, "label", label == null ? "" : label))))));
        });
    }

    /**
     * {@code GET .../checkpoints/{cp}/diff[?patch=true]}: 404 for an unknown run or a checkpoint not of this
     * run, 409 for a checkpoint without a workspace snapshot.
     */
    Route diff(String id, String checkpointId) {
        return parameterMap(params -> {
            QueryParams.requireKnown(params, java.util.Set.of("patch"));
            boolean patch = QueryParams.bool(params, "patch");
            return completeWithFuture(withCheckpoint(id, checkpointId, run -> workspace
                    .diff("run", id, run.cwd(), checkpointId, patch)
                    .thenApply(d -> d.diff() != null
                            ? json.reply(StatusCodes.OK, d.diff())
                            : Problem.response(StatusCodes.CONFLICT, d.conflict()))));
        });
    }

    /** {@code then} with the run, when run {@code id} is known and has checkpoint {@code checkpointId}; else a 404. */
    private CompletionStage<HttpResponse> withCheckpoint(
            String id, String checkpointId, Function<RunView, CompletionStage<HttpResponse>> then) {
        return queries.get(id).thenCompose(v -> {
            if (v.isEmpty()) {
                return ActorCalls.done(RunRoutes.noRun(id));
            }
            return queries.checkpoints(id).thenCompose(list -> {
                if (list.stream().noneMatch(cp -> cp.id().equals(checkpointId))) {
                    return ActorCalls.done(noCheckpoint(id, checkpointId));
                }
                return then.apply(v.get());
            });
        });
    }

    private static HttpResponse noCheckpoint(String id, String checkpointId) {
        return Problem.response(
                StatusCodes.NOT_FOUND,
                "Run " + id + " has no checkpoint " + checkpointId + "; GET /v1/runs/" + id
                        + "/checkpoints lists them.");
    }

    /**
     * 404 for an unknown run or a checkpoint not of this run, 409 when the run cannot go back now (the actor
     * says why), else the run as it is after the rollback.
     */
    Route rollback(String who, String id) {
        return json.body(RollbackBody.class, body -> {
            String checkpointId = body.checkpointId();
            if (checkpointId == null || checkpointId.isBlank()) {
                throw new JsonBodies.BadRequest(
                        "Field 'checkpointId' is required: one of GET /v1/runs/" + id + "/checkpoints.");
            }
            return completeWithFuture(withCheckpoint(
                    id,
                    checkpointId,
                    run -> calls.<RunSummary>call(
                            ActorCalls.Action.of(who, "run.rollback", id, "to checkpoint " + checkpointId),
                            r -> new RunSupervisor.Deliver(id, new RunActor.Rollback(checkpointId, r)),
                            summary -> queries.get(id)
                                    .thenApply(view -> json.reply(StatusCodes.OK, view.orElseThrow())))));
        });
    }
}
