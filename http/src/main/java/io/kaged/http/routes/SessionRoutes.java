package io.kaged.http.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.Removed;
import io.kaged.actors.query.QuerySettings;
import io.kaged.actors.session.RestartPolicy;
import io.kaged.actors.session.SessionActor;
import io.kaged.actors.session.SessionQueries;
import io.kaged.actors.session.SessionSpec;
import io.kaged.actors.session.SessionSummary;
import io.kaged.actors.session.SessionSupervisor;
import io.kaged.actors.session.SessionView;
import io.kaged.actors.workspace.WorkspaceStore;
import io.kaged.actors.workspace.Workspaces;
import io.kaged.http.HttpSettings;
import io.kaged.persistence.secret.SecretStore;
import io.kaged.persistence.store.Ids;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;

/**
 * {@code /v1/sessions}: creation and commands go to the session actors, reads come from the query tables.
 * Every state-changing request is audited with its outcome. Unknown ids are answered from SQL before any
 * actor is woken, so a typo never spawns an empty session.
 */
public final class SessionRoutes extends AllDirectives {

    /** Body of {@code POST /v1/sessions}. */
    public record CreateSession(
            List<String> command,
            String cwd,
            Map<String, EnvValue> env,
            Integer cols,
            Integer rows,
            String name,
            String project,
            String restart,
            SandboxBody sandbox,
            Boolean workspace) {}

    public record InputBody(String data) {}

    public record ResizeBody(Integer cols, Integer rows) {}

    private static final Set<String> LIVE = Set.of("starting", "running", "paused");
    private static final String ACTOR = "api";

    private final SessionQueries queries;
    private final SessionAttach attach;
    private final io.kaged.persistence.audit.AuditLog auditLog;
    private final java.util.function.LongConsumer killer;
    private final ListFilters filters;
    private final Json json;
    private final ActorCalls<SessionSupervisor.Command> calls;
    private final SecretStore secrets;
    private final WorkspaceStore workspaces;
    private final SessionCheckpoints checkpoints;
    private final ProjectSandbox sandboxes;

    public SessionRoutes(
            ActorSystem<?> system,
            ActorRef<SessionSupervisor.Command> sessions,
            SessionQueries queries,
            AuditTrail audit,
            HttpSettings settings,
            ObjectMapper mapper,
            SessionAttach attach,
            io.kaged.persistence.audit.AuditLog auditLog,
            java.util.function.LongConsumer killer,
            SecretStore secrets) {
        this.secrets = secrets;
        this.queries = queries;
        this.attach = attach;
        this.auditLog = auditLog;
        this.killer = killer;
        this.filters =
                new ListFilters(QuerySettings.fromConfig(system.settings().config()));
        this.json = new Json(mapper);
        this.calls = new ActorCalls<>(system, sessions, settings.askTimeout(), audit);
        this.workspaces = Workspaces.store(system);
        this.checkpoints = new SessionCheckpoints(queries, json, new WorkspaceDiff(system));
        this.sandboxes = new ProjectSandbox(RunRoutes.projects(system), null);
    }

    public Route route(BearerAuth auth) {
        return pathPrefix(
                "sessions",
                () -> concat(
                        pathEnd(() -> auth.authenticated(
                                () -> concat(post(() -> calls.writing(this::create)), get(this::list)))),
                        pathPrefix(
                                PathMatchers.segment(),
                                id -> concat(
                                        path("attach", () -> get(() -> attach.route(auth, id))),
                                        auth.authenticated(() -> concat(
                                                pathEnd(
                                                        () -> concat(
                                                                get(() -> getOne(id)),
                                                                delete(() -> calls.writing(() -> terminate(id))))),
                                                path("input", () -> post(() -> calls.writing(() -> input(id)))),
                                                path("resize", () -> post(() -> calls.writing(() -> resize(id)))),
                                                path(
                                                        "pause",
                                                        () -> post(
                                                                () -> calls.writing(
                                                                        () -> command(
                                                                                id,
                                                                                "session.pause",
                                                                                SessionActor.Pause::new)))),
                                                path(
                                                        "resume",
                                                        () -> post(
                                                                () -> calls.writing(
                                                                        () -> command(
                                                                                id,
                                                                                "session.resume",
                                                                                SessionActor.Resume::new)))),
                                                path(
                                                        "restart",
                                                        () -> post(
                                                                () -> calls.writing(
                                                                        () -> command(
                                                                                id,
                                                                                "session.restart",
                                                                                SessionActor.Restart::new)))),
                                                path("transcript", () -> get(() -> transcript(id))),
                                                pathPrefix(
                                                        "checkpoints",
                                                        () -> concat(
                                                                pathEnd(() -> get(() -> checkpoints.list(id))),
                                                                path(
                                                                        PathMatchers.segment()
                                                                                .slash("diff"),
                                                                        cp -> get(() -> checkpoints.diff(id, cp))))),
                                                path("attach-ticket", () -> post(() -> attach.ticket(id)))))))));
    }

    // ---- create and read ------------------------------------------------------------------------

    private Route create() {
        return json.body(CreateSession.class, request -> {
            SessionSpec asked = validate(request, secrets, workspaces);
            String id = Ids.newId();
            return completeWithFuture(
                    sandboxes.apply(asked.project(), null, asked.sandbox()).thenCompose(l -> {
                        if (l.refusal() != null) {
                            return ActorCalls.done(l.refusal());
                        }
                        SessionSpec spec = asked.withSandbox(l.sandbox());
                        return calls.<SessionSummary>call(
                                ActorCalls.Action.of(ACTOR, "session.create", id, String.join(" ", spec.command()))
                                        .lateNote("it may still start. GET /v1/sessions/" + id
                                                + " shows whether it did, before you send the request again"),
                                r -> deliver(id, new SessionActor.Create(spec, r)),
                                summary -> queries.get(id)
                                        .thenApply(view -> json.reply(StatusCodes.CREATED, view.orElseThrow())
                                                .addHeader(Location.create("/v1/sessions/" + id))));
                    }));
        });
    }

    /** @param secrets where the secrets the env names must be set; null checks only their names */
    static SessionSpec validate(CreateSession c, SecretStore secrets, WorkspaceStore workspaces) {
        if (c.command() == null || c.command().isEmpty()) {
            throw new JsonBodies.BadRequest("Field 'command' is required: the argv to run, e.g. [\"bash\", \"-l\"].");
        }
        if (c.command().stream().anyMatch(a -> a == null || a.isEmpty())
                || c.command().get(0).isBlank()) {
            throw new JsonBodies.BadRequest("Field 'command' must hold non-empty strings.");
        }
        JsonBodies.noNul("command", c.command());
        JsonBodies.noNul("cwd", c.cwd());
        JsonBodies.noNul("name", c.name());
        JsonBodies.noNul("project", c.project());
        EnvBody env = EnvBody.of(c.env(), secrets);
        if (c.cwd() != null && !RunDispatch.isFolder(c.cwd())) {
            throw new JsonBodies.BadRequest("Field 'cwd' names no folder on this host: " + c.cwd());
        }
        int cols = c.cols() == null ? 80 : c.cols();
        int rows = c.rows() == null ? 24 : c.rows();
        if (cols < 1 || cols > 1000 || rows < 1 || rows > 1000) {
            throw new JsonBodies.BadRequest("Fields 'cols' and 'rows' must be between 1 and 1000.");
        }
        if (c.name() != null && c.name().length() > 200
                || c.project() != null && c.project().length() > 200) {
            throw new JsonBodies.BadRequest("Fields 'name' and 'project' hold at most 200 characters.");
        }
        RestartPolicy restart;
        try {
            restart = c.restart() == null ? RestartPolicy.NEVER : RestartPolicy.parse(c.restart());
        } catch (IllegalArgumentException e) {
            throw new JsonBodies.BadRequest("Field 'restart' " + e.getMessage().substring("restart ".length()) + ".");
        }
        return new SessionSpec(
                c.command(),
                c.cwd(),
                env.env(),
                cols,
                rows,
                c.name(),
                c.project(),
                restart,
                SandboxBody.validate(c.sandbox()),
                env.secretEnv(),
                workspace(c, workspaces));
    }

    private Route list() {
        return parameterMap(params -> completeWithFuture(
                queries.list(filters.sessions(params)).thenApply(page -> json.reply(StatusCodes.OK, page))));
    }

    private Route getOne(String id) {
        return completeWithFuture(queries.get(id)
                .thenApply(v -> v.map(view -> json.reply(StatusCodes.OK, view)).orElseGet(() -> notFound(id))));
    }

    private Route transcript(String id) {
        return completeWithFuture(
                existing(id, view -> queries.transcript(id, Long.MAX_VALUE).thenApply(bytes -> HttpResponse.create()
                        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, bytes)))));
    }

    // ---- commands -------------------------------------------------------------------------------

    private Route input(String id) {
        return json.body(InputBody.class, in -> {
            if (in.data() == null) {
                throw new JsonBodies.BadRequest("Field 'data' is required: the text to type, e.g. \"ls\\n\".");
            }
            byte[] bytes = in.data().getBytes(StandardCharsets.UTF_8);
            return completeWithFuture(existing(
                    id,
                    view -> calls.<Done>call(
                            ActorCalls.Action.of(ACTOR, "session.input", id, bytes.length + " bytes"),
                            r -> deliver(id, new SessionActor.Input(bytes, r)),
                            done -> ActorCalls.done(json.reply(StatusCodes.OK, Map.of("accepted", bytes.length))))));
        });
    }

    private Route resize(String id) {
        return json.body(ResizeBody.class, rb -> {
            if (rb.cols() == null
                    || rb.rows() == null
                    || rb.cols() < 1
                    || rb.rows() < 1
                    || rb.cols() > 1000
                    || rb.rows() > 1000) {
                throw new JsonBodies.BadRequest("Fields 'cols' and 'rows' are required, each between 1 and 1000.");
            }
            return completeWithFuture(existing(
                    id,
                    view -> calls.<Done>call(
                            ActorCalls.Action.of(ACTOR, "session.resize", id, rb.cols() + "x" + rb.rows()),
                            r -> deliver(id, new SessionActor.Resize(rb.cols(), rb.rows(), r)),
                            done -> ActorCalls.done(
                                    json.reply(StatusCodes.OK, Map.of("cols", rb.cols(), "rows", rb.rows()))))));
        });
    }

    /** A command with a summary reply: 404 for an unknown session, 409 for a refusal, else the session now. */
    private Route command(
            String id, String kind, Function<ActorRef<StatusReply<SessionSummary>>, SessionActor.Command> make) {
        return completeWithFuture(existing(
                id,
                view -> calls.<SessionSummary>call(
                        ActorCalls.Action.of(ACTOR, kind, id, null),
                        r -> deliver(id, make.apply(r)),
                        summary -> queries.get(id).thenApply(v -> json.reply(StatusCodes.OK, v.orElseThrow())))));
    }

    private Route terminate(String id) {
        return parameterMap(params -> {
            QueryParams.requireKnown(params, Set.of("purge"));
            if (QueryParams.bool(params, "purge")) {
                return completeWithFuture(existing(id, view -> purge(id, view)));
            }
            return command(id, "session.terminate", SessionActor.Terminate::new);
        });
    }

    /**
     * Terminates a live session (so its end is recorded and its process group gets SIGTERM), then has the
     * supervisor stop its actor and hold commands for it while the session's rows are deleted in one
     * transaction with the audit row; whatever is left of its process is killed.
     */
    private CompletionStage<HttpResponse> purge(String id, SessionView view) {
        CompletionStage<?> stopped = LIVE.contains(view.state())
                ? calls.<SessionSummary>ask(r -> deliver(id, new SessionActor.Terminate(r)))
                : ActorCalls.done(null);
        return stopped.thenCompose(ignored -> calls.<Optional<Removed>>call(
                ActorCalls.Action.auditedByStore(ACTOR, "session.purge", id)
                        .lateNote("the purge may still complete. GET /v1/sessions/" + id
                                + " shows whether the session is gone"),
                r -> new SessionSupervisor.Purge<>(
                        List.of(id),
                        () -> {
                            if (view.pid() != null) {
                                killer.accept(view.pid());
                            }
                            return queries.purge(id, auditLog, ACTOR).thenApply(removed -> {
                                removed.ifPresent(gone -> workspaces.dropAll(List.of(id)));
                                return removed;
                            });
                        },
                        r),
                removed -> ActorCalls.done(removed.map(
                                r -> json.reply(StatusCodes.OK, Map.of("purged", id, "removed", r.named("sessions"))))
                        .orElseGet(() -> notFound(id)))));
    }

    private static SessionSupervisor.Command deliver(String id, SessionActor.Command command) {
        return new SessionSupervisor.Deliver(id, command);
    }

    private CompletionStage<HttpResponse> existing(
            String id, Function<SessionView, CompletionStage<HttpResponse>> then) {
        return queries.get(id).thenCompose(v -> v.isPresent() ? then.apply(v.get()) : ActorCalls.done(notFound(id)));
    }

    /** {@code workspace}, when the session has a folder that is not kaged's own snapshots'. */
    private static Boolean workspace(CreateSession c, WorkspaceStore workspaces) {
        if (!Boolean.TRUE.equals(c.workspace())) {
            return c.workspace();
        }
        if (c.cwd() == null) {
            throw new JsonBodies.BadRequest(
                    "Field 'workspace' needs 'cwd': the folder whose files each checkpoint (each pause) records.");
        }
        if (workspaces.overlaps(java.nio.file.Path.of(c.cwd()))) {
            throw new JsonBodies.BadRequest("Field 'cwd' holds kaged's workspace snapshots ("
                    + workspaces.settings().dir() + "), so it cannot be a workspace: choose the project's folder.");
        }
        return true;
    }

    private static HttpResponse notFound(String id) {
        return Problem.response(StatusCodes.NOT_FOUND, "No session with id '" + id + "'. GET /v1/sessions lists them.");
    }
}
