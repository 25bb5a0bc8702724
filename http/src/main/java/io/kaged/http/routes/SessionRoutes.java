package io.kaged.http.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.query.QuerySettings;
import io.kaged.actors.session.RestartPolicy;
import io.kaged.actors.session.SessionActor;
import io.kaged.actors.session.SessionQueries;
import io.kaged.actors.session.SessionSpec;
import io.kaged.actors.session.SessionSupervisor;
import io.kaged.actors.session.SessionView;
import io.kaged.http.HttpSettings;
import io.kaged.persistence.store.Ids;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
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
            Map<String, String> env,
            Integer cols,
            Integer rows,
            String name,
            String project,
            String restart) {}

    public record InputBody(String data) {}

    public record ResizeBody(Integer cols, Integer rows) {}

    private static final Set<String> LIVE = Set.of("starting", "running", "paused");
    private static final String ACTOR = "api";

    private final ActorSystem<?> system;
    private final ActorRef<SessionSupervisor.Command> sessions;
    private final SessionQueries queries;
    private final AuditTrail audit;
    private final HttpSettings settings;
    private final ObjectMapper mapper;
    private final SessionAttach attach;
    private final io.kaged.persistence.audit.AuditLog auditLog;
    private final java.util.function.LongConsumer killer;
    private final ListFilters filters;

    public SessionRoutes(
            ActorSystem<?> system,
            ActorRef<SessionSupervisor.Command> sessions,
            SessionQueries queries,
            AuditTrail audit,
            HttpSettings settings,
            ObjectMapper mapper,
            SessionAttach attach,
            io.kaged.persistence.audit.AuditLog auditLog,
            java.util.function.LongConsumer killer) {
        this.system = system;
        this.sessions = sessions;
        this.queries = queries;
        this.audit = audit;
        this.settings = settings;
        this.mapper = mapper;
        this.attach = attach;
        this.auditLog = auditLog;
        this.killer = killer;
        this.filters =
                new ListFilters(QuerySettings.fromConfig(system.settings().config()));
    }

    public Route route(BearerAuth auth) {
        return pathPrefix(
                "sessions",
                () -> concat(
                        pathEnd(() -> auth.authenticated(() -> concat(post(this::create), get(this::list)))),
                        pathPrefix(
                                PathMatchers.segment(),
                                id -> concat(
                                        path("attach", () -> get(() -> attach.route(auth, id))),
                                        auth.authenticated(() -> concat(
                                                pathEnd(
                                                        () -> concat(
                                                                get(() -> getOne(id)), delete(() -> terminate(id)))),
                                                path("input", () -> post(() -> input(id))),
                                                path("resize", () -> post(() -> resize(id))),
                                                path(
                                                        "pause",
                                                        () -> post(
                                                                () -> command(
                                                                        id, "session.pause", SessionActor.Pause::new))),
                                                path(
                                                        "resume",
                                                        () -> post(
                                                                () -> command(
                                                                        id,
                                                                        "session.resume",
                                                                        SessionActor.Resume::new))),
                                                path("transcript", () -> get(() -> transcript(id))),
                                                path("attach-ticket", () -> post(() -> attach.ticket(id)))))))));
    }

    private Route body(Function<String, Route> inner) {
        return withSizeLimit(settings.maxBodyBytes(), () -> entity(Unmarshaller.entityToString(), inner));
    }

    // ---- create and read ------------------------------------------------------------------------

    private Route create() {
        return body(raw -> {
            SessionSpec spec = validate(JsonBodies.parse(raw, CreateSession.class));
            String id = Ids.newId();
            CompletionStage<HttpResponse> done = this.<io.kaged.actors.session.SessionSummary>ask(
                            id, r -> new SessionActor.Create(spec, r))
                    .thenCompose(reply -> {
                        if (reply.isError()) {
                            audit.record(
                                    ACTOR,
                                    "session.create",
                                    id,
                                    "refused",
                                    reply.getError().getMessage());
                            return done(Problem.response(
                                    StatusCodes.CONFLICT, reply.getError().getMessage()));
                        }
                        audit.record(ACTOR, "session.create", id, "ok", String.join(" ", spec.command()));
                        return queries.get(id).thenApply(view -> json(StatusCodes.CREATED, view.orElseThrow())
                                .addHeader(Location.create("/v1/sessions/" + id)));
                    });
            return completeWithFuture(done);
        });
    }

    static SessionSpec validate(CreateSession c) {
        if (c.command() == null || c.command().isEmpty()) {
            throw new JsonBodies.BadRequest("Field 'command' is required: the argv to run, e.g. [\"bash\", \"-l\"].");
        }
        if (c.command().stream().anyMatch(a -> a == null || a.isEmpty())
                || c.command().get(0).isBlank()) {
            throw new JsonBodies.BadRequest("Field 'command' must hold non-empty strings.");
        }
        if (c.cwd() != null && !Files.isDirectory(Path.of(c.cwd()))) {
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
        if (c.env() != null
                && c.env().keySet().stream().anyMatch(k -> k == null || !k.matches("[A-Za-z_][A-Za-z0-9_]*"))) {
            throw new JsonBodies.BadRequest("Field 'env' must map variable names (letters, digits, _) to strings.");
        }
        RestartPolicy restart;
        try {
            restart = c.restart() == null ? RestartPolicy.NEVER : RestartPolicy.parse(c.restart());
        } catch (IllegalArgumentException e) {
            throw new JsonBodies.BadRequest("Field 'restart' " + e.getMessage().substring("restart ".length()) + ".");
        }
        return new SessionSpec(c.command(), c.cwd(), c.env(), cols, rows, c.name(), c.project(), restart);
    }

    private Route list() {
        return parameterMap(params -> completeWithFuture(
                queries.list(filters.sessions(params)).thenApply(page -> json(StatusCodes.OK, page))));
    }

    private Route getOne(String id) {
        return completeWithFuture(queries.get(id)
                .thenApply(v -> v.map(view -> json(StatusCodes.OK, view)).orElseGet(() -> notFound(id))));
    }

    private Route transcript(String id) {
        return completeWithFuture(queries.get(id)
                .thenCompose(v -> v.isEmpty()
                        ? done(notFound(id))
                        : queries.transcript(id, Long.MAX_VALUE).thenApply(bytes -> HttpResponse.create()
                                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, bytes)))));
    }

    // ---- commands -------------------------------------------------------------------------------

    private Route input(String id) {
        return body(raw -> {
            InputBody in = JsonBodies.parse(raw, InputBody.class);
            if (in.data() == null) {
                throw new JsonBodies.BadRequest("Field 'data' is required: the text to type, e.g. \"ls\\n\".");
            }
            byte[] bytes = in.data().getBytes(StandardCharsets.UTF_8);
            return completeWithFuture(
                    existing(id, view -> this.<org.apache.pekko.Done>ask(id, r -> new SessionActor.Input(bytes, r))
                            .thenApply(reply -> outcome(
                                    id,
                                    "session.input",
                                    reply,
                                    bytes.length + " bytes",
                                    ok -> json(StatusCodes.OK, Map.of("accepted", bytes.length))))));
        });
    }

    private Route resize(String id) {
        return body(raw -> {
            ResizeBody rb = JsonBodies.parse(raw, ResizeBody.class);
            if (rb.cols() == null
                    || rb.rows() == null
                    || rb.cols() < 1
                    || rb.rows() < 1
                    || rb.cols() > 1000
                    || rb.rows() > 1000) {
                throw new JsonBodies.BadRequest("Fields 'cols' and 'rows' are required, each between 1 and 1000.");
            }
            return completeWithFuture(existing(id, view -> this.<org.apache.pekko.Done>ask(
                            id, r -> new SessionActor.Resize(rb.cols(), rb.rows(), r))
                    .thenApply(reply -> outcome(
                            id,
                            "session.resize",
                            reply,
                            rb.cols() + "x" + rb.rows(),
                            ok -> json(StatusCodes.OK, Map.of("cols", rb.cols(), "rows", rb.rows()))))));
        });
    }

    private Route command(
            String id,
            String kind,
            Function<ActorRef<StatusReply<io.kaged.actors.session.SessionSummary>>, SessionActor.Command> make) {
        return completeWithFuture(existing(id, view -> ask(id, make).thenCompose(reply -> {
            HttpResponse failed = outcome(id, kind, reply, null, ok -> null);
            return failed != null
                    ? done(failed)
                    : queries.get(id).thenApply(v -> json(StatusCodes.OK, v.orElseThrow()));
        })));
    }

    private Route terminate(String id) {
        return parameterOptional("purge", purge -> {
            if (purge.isPresent() && !purge.get().equals("true") && !purge.get().equals("false")) {
                throw new JsonBodies.BadRequest("Parameter 'purge' must be true or false.");
            }
            if (purge.orElse("false").equals("true")) {
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
        CompletionStage<?> stopped = LIVE.contains(view.state()) ? ask(id, SessionActor.Terminate::new) : done(null);
        return stopped.thenCompose(ignored ->
                        AskPattern
                                .<SessionSupervisor.Command, StatusReply<java.util.Optional<io.kaged.actors.Removed>>>
                                        ask(
                                                sessions,
                                                r -> new SessionSupervisor.Purge<>(
                                                        List.of(id),
                                                        () -> {
                                                            if (view.pid() != null) {
                                                                killer.accept(view.pid());
                                                            }
                                                            return queries.purge(id, auditLog, ACTOR);
                                                        },
                                                        r),
                                                settings.askTimeout(),
                                                system.scheduler()))
                .thenApply(reply -> {
                    if (reply.isError()) {
                        throw new java.util.concurrent.CompletionException(reply.getError());
                    }
                    return reply.getValue()
                            .map(removed ->
                                    json(StatusCodes.OK, Map.of("purged", id, "removed", removed.named("sessions"))))
                            .orElseGet(() -> notFound(id));
                });
    }

    /** Audits the reply; returns the response for it ({@code onOk} for success, a 409 problem for a refusal). */
    private <T> HttpResponse outcome(
            String id, String kind, StatusReply<T> reply, String detail, Function<T, HttpResponse> onOk) {
        if (reply.isError()) {
            boolean busy = reply.getError() instanceof ServiceBusy;
            audit.record(
                    ACTOR,
                    kind,
                    id,
                    busy ? "failed" : "refused",
                    reply.getError().getMessage());
            return Problem.response(
                    busy ? StatusCodes.SERVICE_UNAVAILABLE : StatusCodes.CONFLICT,
                    capitalise(reply.getError().getMessage()) + ".");
        }
        audit.record(ACTOR, kind, id, "ok", detail);
        return onOk.apply(reply.getValue());
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private CompletionStage<HttpResponse> existing(
            String id, Function<SessionView, CompletionStage<HttpResponse>> then) {
        return queries.get(id).thenCompose(v -> v.isPresent() ? then.apply(v.get()) : done(notFound(id)));
    }

    private <T> CompletionStage<StatusReply<T>> ask(
            String id, Function<ActorRef<StatusReply<T>>, SessionActor.Command> make) {
        Duration timeout = settings.askTimeout();
        return AskPattern.<SessionSupervisor.Command, StatusReply<T>>ask(
                        sessions,
                        replyTo -> new SessionSupervisor.Deliver(id, make.apply(replyTo)),
                        timeout,
                        system.scheduler())
                .exceptionally(e -> StatusReply.error(new ServiceBusy("session " + id + " did not answer within "
                        + timeout.toSeconds() + " s; the daemon may be overloaded")));
    }

    /** Marks a refusal that is the daemon's fault (time-out), not the request's. */
    static final class ServiceBusy extends RuntimeException {
        ServiceBusy(String message) {
            super(message);
        }
    }

    private static HttpResponse notFound(String id) {
        return Problem.response(StatusCodes.NOT_FOUND, "No session with id '" + id + "'. GET /v1/sessions lists them.");
    }

    private static <T> CompletionStage<T> done(T value) {
        return java.util.concurrent.CompletableFuture.completedFuture(value);
    }

    HttpResponse json(StatusCode status, Object body) {
        try {
            return HttpResponse.create()
                    .withStatus(status)
                    .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, mapper.writeValueAsBytes(body)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("response body does not serialize", e);
        }
    }
}
