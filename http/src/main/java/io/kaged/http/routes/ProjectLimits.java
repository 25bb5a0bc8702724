package io.kaged.http.routes;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.process.SandboxLimits;
import io.kaged.actors.process.SandboxSpec;
import io.kaged.persistence.project.ProjectStore;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * A project's default resource limits: its config's {@code sandbox.limits} (e.g. {@code {"sandbox":
 * {"limits": {"memory": "2G", "pids": 512}}}}) apply to the sandboxed runs and sessions of the project that
 * give no limits of their own. Read at dispatch, so the recorded spec has the limits its attempts get; a run
 * without a sandbox gets none (the limits are part of a sandbox, ADR on resource limits).
 */
final class ProjectLimits {

    /** The sandbox to dispatch with, or the 400 that says why the project's limits cannot be used. */
    record Resolved(SandboxSpec sandbox, HttpResponse refusal) {}

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final ProjectStore projects;

    ProjectLimits(ProjectStore projects) {
        this.projects = projects;
    }

    CompletionStage<Resolved> apply(String project, SandboxSpec sandbox) {
        if (project == null || sandbox == null || sandbox.limits() != null) {
            return CompletableFuture.completedFuture(new Resolved(sandbox, null));
        }
        return projects.get(project).thenApply(found -> {
            if (found.isEmpty()) {
                return new Resolved(sandbox, null); // a project label that names no project has no config
            }
            JsonNode limits;
            try {
                limits = JSON.readTree(found.get().config()).path("sandbox").path("limits");
            } catch (IOException e) {
                return new Resolved(sandbox, null); // not this feature's config to judge
            }
            if (limits.isMissingNode() || limits.isNull()) {
                return new Resolved(sandbox, null);
            }
            SandboxLimits parsed;
            try {
                parsed = JSON.treeToValue(limits, SandboxLimits.class);
            } catch (IOException | IllegalArgumentException e) {
                return refused(project, "must be {memory?, cpu?, pids?}");
            }
            String problem = parsed.problem();
            if (problem != null) {
                return refused(project, problem.replace("Field 'sandbox.limits.", "field '"));
            }
            return new Resolved(sandbox.withLimits(parsed), null);
        });
    }

    private static Resolved refused(String project, String why) {
        return new Resolved(
                null,
                Problem.response(
                        StatusCodes.BAD_REQUEST,
                        "Project " + project + "'s config has sandbox.limits that cannot be applied: " + why
                                + ". Fix it with PUT /v1/projects/" + project
                                + ", or give the run its own sandbox.limits."));
    }
}
