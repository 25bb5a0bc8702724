package io.kaged.http.routes;

import io.kaged.actors.run.AcpSpec;
import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunQueries;
import io.kaged.actors.run.RunSpec;
import io.kaged.actors.run.RunSummary;
import io.kaged.actors.run.RunSupervisor;
import io.kaged.actors.workspace.WorkspaceStore;
import io.kaged.persistence.secret.SecretStore;
import io.kaged.persistence.store.Ids;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code POST /v1/runs}: the body checked field by field, then the new run's actor asked to start it. */
final class RunDispatch extends AllDirectives {

    /** Body of {@code POST /v1/runs}. */
    record DispatchRun(
            List<String> command,
            String cwd,
            Map<String, EnvValue> env,
            String input,
            String parentId,
            String sessionId,
            String project,
            Long timeoutMs,
            Integer retries,
            String onParentEnd,
            SandboxBody sandbox,
            Boolean workspace,
            AcpSpec acp) {

        /** The same request as a child of {@code parent}. */
        DispatchRun under(String parent) {
            return new DispatchRun(
                    command,
                    cwd,
                    env,
                    input,
                    parent,
                    sessionId,
                    project,
                    timeoutMs,
                    retries,
                    onParentEnd,
                    sandbox,
                    workspace,
                    acp);
        }
    }

    private static final long MAX_TIMEOUT_MS = 7L * 24 * 3600 * 1000;
    private static final int MAX_ID = 64;
    /** A prompt is text for a model, not a file to carry: large, but bounded. */
    static final int MAX_PROMPT_CHARS = 1_000_000;

    private final RunQueries queries;
    private final ActorCalls<RunSupervisor.Command> calls;
    private final Json json;
    private final SecretStore secrets;
    private final WorkspaceStore workspaces;
    private final AgentProfiles profiles;
    private final ProjectSandbox sandboxes;

    RunDispatch(
            RunQueries queries,
            ActorCalls<RunSupervisor.Command> calls,
            Json json,
            SecretStore secrets,
            WorkspaceStore workspaces,
            AgentProfiles profiles,
            ProjectSandbox sandboxes) {
        this.queries = queries;
        this.calls = calls;
        this.json = json;
        this.secrets = secrets;
        this.workspaces = workspaces;
        this.profiles = profiles;
        this.sandboxes = sandboxes;
    }

    /** A run's scoped token may start only children of its own run; the audit names that run as who asked. */
    Route dispatch(Optional<String> scope) {
        String who = scope.map(run -> "run:" + run).orElse("api");
        return json.body(DispatchRun.class, request -> {
            if (scope.isPresent()
                    && request.parentId() != null
                    && !request.parentId().equals(scope.get())) {
                return complete(RunRoutes.forbidden("start runs outside its own children"));
            }
            RunSpec asked = validate(scope.map(request::under).orElse(request), secrets);
            if (asked.hasWorkspace() && asked.cwd() != null && workspaces.overlaps(Path.of(asked.cwd()))) {
                throw new JsonBodies.BadRequest("Field 'cwd' holds kaged's workspace snapshots ("
                        + workspaces.settings().dir() + "), so it cannot be a workspace: choose the project's folder.");
            }
            String id = Ids.newId();
            return completeWithFuture(profiles.resolve(asked)
                    .thenCompose(resolved -> resolved.refusal() != null
                            ? ActorCalls.done(resolved.refusal())
                            : sandboxes
                                    .apply(
                                            resolved.spec().project(),
                                            resolved.spec().parentId(),
                                            resolved.spec().sandbox())
                                    .thenCompose(l -> l.refusal() != null
                                            ? ActorCalls.done(l.refusal())
                                            : dispatch(who, id, resolved.spec().withSandbox(l.sandbox())))));
        });
    }

    private CompletionStage<HttpResponse> dispatch(String who, String id, RunSpec spec) {
        return parentExists(spec.parentId()).thenCompose(parentOk -> {
            if (!parentOk) {
                return ActorCalls.done(Problem.response(
                        StatusCodes.BAD_REQUEST,
                        "Field 'parentId' names no run: " + spec.parentId() + ". GET /v1/runs lists them."));
            }
            return calls.<RunSummary>call(
                    ActorCalls.Action.of(who, "run.dispatch", id, String.join(" ", spec.command()))
                            .lateNote("it may still start. GET /v1/runs/" + id
                                    + " shows whether it did, before you send the request again"),
                    r -> new RunSupervisor.Deliver(id, new RunActor.Dispatch(spec, r)),
                    summary -> created(id));
        });
    }

    private CompletionStage<HttpResponse> created(String id) {
        return queries.get(id).thenApply(v -> json.reply(StatusCodes.CREATED, v.orElseThrow())
                .addHeader(Location.create("/v1/runs/" + id)));
    }

    private CompletionStage<Boolean> parentExists(String parentId) {
        return parentId == null ? ActorCalls.done(true) : queries.get(parentId).thenApply(Optional::isPresent);
    }

    /** @param secrets where the secrets the env names must be set; null checks only their names */
    static RunSpec validate(DispatchRun r, SecretStore secrets) {
        if (r.command() == null
                || r.command().isEmpty()
                || r.command().stream().anyMatch(a -> a == null || a.isEmpty())) {
            throw new JsonBodies.BadRequest(
                    "Field 'command' is required: the argv to run, e.g. [\"claude\", \"-p\", \"...\"].");
        }
        JsonBodies.noNul("command", r.command());
        JsonBodies.noNul("cwd", r.cwd());
        JsonBodies.noNul("input", r.input());
        id("parentId", r.parentId());
        id("sessionId", r.sessionId());
        JsonBodies.noNul("project", r.project());
        EnvBody env = EnvBody.of(r.env(), secrets);
        if (r.cwd() != null && !isFolder(r.cwd())) {
            throw new JsonBodies.BadRequest("Field 'cwd' names no folder on this host: " + r.cwd());
        }
        if (r.timeoutMs() != null && (r.timeoutMs() < 1 || r.timeoutMs() > MAX_TIMEOUT_MS)) {
            throw new JsonBodies.BadRequest("Field 'timeoutMs' must be between 1 and " + MAX_TIMEOUT_MS + " (7 days).");
        }
        int retries = r.retries() == null ? 0 : r.retries();
        if (retries < 0 || retries > 100) {
            throw new JsonBodies.BadRequest("Field 'retries' must be between 0 and 100.");
        }
        if (r.project() != null && r.project().length() > 200) {
            throw new JsonBodies.BadRequest("Field 'project' holds at most 200 characters.");
        }
        if (r.onParentEnd() != null && !Set.of(RunSpec.CANCEL, RunSpec.ABANDON).contains(r.onParentEnd())) {
            throw new JsonBodies.BadRequest("Field 'onParentEnd' must be \"cancel\" (the default: the run ends when"
                    + " its parent is cancelled or times out) or \"abandon\" (it runs on).");
        }
        if (Boolean.TRUE.equals(r.workspace()) && r.cwd() == null) {
            throw new JsonBodies.BadRequest(
                    "Field 'workspace' needs 'cwd': the folder whose files each checkpoint" + " records.");
        }
        if (r.acp() != null) {
            prompt("acp.prompt", r.acp().prompt(), true);
            AgentProfiles.validate(r.acp().profile(), r.project());
            if (r.input() != null) {
                throw new JsonBodies.BadRequest("Fields 'acp' and 'input' do not go together: an ACP run's stdin is"
                        + " kaged's channel to the agent; give the first prompt as 'acp.prompt'.");
            }
        }
        return new RunSpec(
                r.command(),
                r.cwd(),
                env.env(),
                r.input(),
                r.parentId(),
                r.sessionId(),
                r.project(),
                r.timeoutMs(),
                retries,
                r.onParentEnd(),
                r.acp(),
                r.workspace(),
                SandboxBody.validate(r.sandbox()),
                env.secretEnv());
    }

    /** A prompt's text: not empty (unless it may be absent), no NUL, within its bound. */
    static void prompt(String field, String text, boolean optional) {
        if (text == null && optional) {
            return;
        }
        if (text == null || text.isBlank()) {
            throw new JsonBodies.BadRequest(
                    "Field '" + field + "' must be the prompt's text, e.g. \"Fix the failing test\".");
        }
        JsonBodies.noNul(field, text);
        if (text.length() > MAX_PROMPT_CHARS) {
            throw new JsonBodies.BadRequest("Field '" + field + "' holds at most " + MAX_PROMPT_CHARS + " characters.");
        }
    }

    /** An id field: ids are UUIDs, so anything long or with NUL is a mistake, not a key to store. */
    private static void id(String field, String value) {
        JsonBodies.noNul(field, value);
        if (value != null && (value.isEmpty() || value.length() > MAX_ID)) {
            throw new JsonBodies.BadRequest(
                    "Field '" + field + "' must be an id of 1 to " + MAX_ID + " characters, such as a run's 'id'.");
        }
    }

    /** A NUL or another character no path may hold is no folder either, not a 500. */
    static boolean isFolder(String path) {
        try {
            return Files.isDirectory(Path.of(path));
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
