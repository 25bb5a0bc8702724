package io.kaged.http.routes;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.process.SandboxLimits;
import io.kaged.actors.process.SandboxSpec;
import io.kaged.actors.run.RunQueries;
import io.kaged.persistence.project.ProjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * A project's sandbox defaults, read from its config at dispatch so that the recorded spec is the one its
 * attempts get:
 *
 * <ul>
 *   <li>{@code sandbox.limits} (e.g. {@code {"memory": "2G", "pids": 512}}) apply to the sandboxed runs and
 *       sessions of the project that give no limits of their own; a run without a sandbox gets none (the limits
 *       are part of a sandbox, ADR on resource limits).
 *   <li>{@code sandbox.network: false} denies the network to the project's runs and sessions and to every run
 *       descended from one of its runs (a subagent names a project of its own, or none): one that does not say
 *       gets it off, one that asks for it ({@code network: true}, or no sandbox) is created and refused at its
 *       first attempt, a {@code SandboxRefused} event and a {@code sandbox.refused} audit row, like a sandbox
 *       that cannot be set up (ADR on denying a sandbox profile).
 * </ul>
 */
final class ProjectSandbox {

    /** The sandbox to dispatch with, or the 400 that says why the project's config cannot be used. */
    record Resolved(SandboxSpec sandbox, HttpResponse refusal) {}

    /** How deep the walk to a run's ancestors goes: parents exist before their children, so it ends anyway. */
    private static final int MAX_DEPTH = 64;

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final ProjectStore projects;
    private final RunQueries runs;

    /** @param runs where a run's ancestors are found; null where nothing dispatched has a parent (sessions) */
    ProjectSandbox(ProjectStore projects, RunQueries runs) {
        this.projects = projects;
        this.runs = runs;
    }

    /**
     * @param project the project the run or session names, or null
     * @param parentId the run's parent, whose project and ancestors' projects may deny the network; or null
     */
    CompletionStage<Resolved> apply(String project, String parentId, SandboxSpec sandbox) {
        return ancestorProjects(parentId, new ArrayList<>(), 0).thenCompose(above -> {
            List<String> governing = new ArrayList<>();
            if (project != null) {
                governing.add(project);
            }
            above.stream().filter(p -> !governing.contains(p)).forEach(governing::add);
            return denial(governing, 0).thenCompose(denied -> {
                if (denied.refusal() != null) {
                    return CompletableFuture.completedFuture(new Resolved(null, denied.refusal()));
                }
                return limits(project, sandbox).thenApply(limited -> {
                    if (limited.refusal() != null || denied.project() == null) {
                        return limited;
                    }
                    SandboxSpec asked = limited.sandbox() != null
                            ? limited.sandbox()
                            // no sandbox is the host's network: asked for, so refused
                            : new SandboxSpec(Boolean.TRUE, List.of(), List.of());
                    return new Resolved(asked.deniedNetworkBy(denied.project()), null);
                });
            });
        });
    }

    /** The project that denies the network, or the 400 of one whose {@code sandbox.network} is no boolean. */
    private record Denial(String project, HttpResponse refusal) {}

    private CompletionStage<Denial> denial(List<String> governing, int from) {
        if (from == governing.size()) {
            return CompletableFuture.completedFuture(new Denial(null, null));
        }
        String project = governing.get(from);
        return sandboxConfig(project).thenCompose(config -> {
            JsonNode network = config.path("network");
            if (network.isMissingNode() || network.isNull() || network.isBoolean() && network.asBoolean()) {
                return denial(governing, from + 1);
            }
            if (network.isBoolean()) {
                return CompletableFuture.completedFuture(new Denial(project, null));
            }
            return CompletableFuture.completedFuture(
                    new Denial(null, refused(project, "sandbox.network", "must be true or false, not " + network)));
        });
    }

    /** The projects of run {@code runId} and of its ancestors, nearest first. */
    private CompletionStage<List<String>> ancestorProjects(String runId, List<String> found, int depth) {
        if (runId == null || runs == null || depth == MAX_DEPTH) {
            return CompletableFuture.completedFuture(found);
        }
        return runs.get(runId).thenCompose(view -> {
            if (view.isEmpty()) {
                return CompletableFuture.completedFuture(found); // the dispatch answers a parent that is not there
            }
            if (view.get().project() != null) {
                found.add(view.get().project());
            }
            return ancestorProjects(view.get().parentId(), found, depth + 1);
        });
    }

    private CompletionStage<Resolved> limits(String project, SandboxSpec sandbox) {
        if (project == null || sandbox == null || sandbox.limits() != null) {
            return CompletableFuture.completedFuture(new Resolved(sandbox, null));
        }
        return sandboxConfig(project).thenApply(config -> {
            JsonNode limits = config.path("limits");
            if (limits.isMissingNode() || limits.isNull()) {
                return new Resolved(sandbox, null);
            }
            SandboxLimits parsed;
            try {
                parsed = JSON.treeToValue(limits, SandboxLimits.class);
            } catch (IOException | IllegalArgumentException e) {
                return new Resolved(null, refused(project, "sandbox.limits", "must be {memory?, cpu?, pids?}"));
            }
            String problem = parsed.problem();
            if (problem != null) {
                return new Resolved(
                        null, refused(project, "sandbox.limits", problem.replace("Field 'sandbox.limits.", "field '")));
            }
            return new Resolved(sandbox.withLimits(parsed), null);
        });
    }

    /** The {@code sandbox} object of {@code project}'s config; a missing node where there is none. */
    private CompletionStage<JsonNode> sandboxConfig(String project) {
        return projects.get(project).thenApply(found -> {
            if (found.isEmpty()) {
                return JSON.missingNode(); // a project label that names no project has no config
            }
            try {
                return JSON.readTree(found.get().config()).path("sandbox");
            } catch (IOException e) {
                return JSON.missingNode(); // not this feature's config to judge
            }
        });
    }

    private static HttpResponse refused(String project, String key, String why) {
        return Problem.response(
                StatusCodes.BAD_REQUEST,
                "Project " + project + "'s config has " + key + " that cannot be applied: " + why
                        + ". Fix it with PUT /v1/projects/" + project + "/config"
                        + (key.equals("sandbox.limits") ? ", or give the run its own sandbox.limits." : "."));
    }
}
