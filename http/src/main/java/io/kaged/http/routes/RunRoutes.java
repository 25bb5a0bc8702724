package io.kaged.http.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.query.QuerySettings;
import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunFilter;
import io.kaged.actors.run.RunPurge;
import io.kaged.actors.run.RunQueries;
import io.kaged.actors.run.RunSpec;
import io.kaged.actors.run.RunSummary;
import io.kaged.actors.run.RunSupervisor;
import io.kaged.http.HttpSettings;
import io.kaged.persistence.journal.JournalEvents;
import io.kaged.persistence.store.Ids;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.javadsl.Source;

/** {@code /v1/runs}: dispatch and cancel go to the run actors, reads come from the query tables. */
public final class RunRoutes extends AllDirectives {

    /** Body of {@code POST /v1/runs}. */
    public record DispatchRun(
            List<String> command,
            String cwd,
            Map<String, String> env,
            String input,
            String parentId,
            String sessionId,
            String project,
            Long timeoutMs,
            Integer retries,
            String onParentEnd) {}

    private static final long MAX_TIMEOUT_MS = 7L * 24 * 3600 * 1000;

    private final ActorSystem<?> system;
    private final ActorRef<RunSupervisor.Command> runs;
    private final RunQueries queries;
    private final AuditTrail audit;
    private final HttpSettings settings;
    private final ObjectMapper mapper;
    private final JournalEvents journal;
    private final RunPurge purger;
    private final ListFilters filters;

    public RunRoutes(
            ActorSystem<?> system,
            ActorRef<RunSupervisor.Command> runs,
            RunQueries queries,
            AuditTrail audit,
            HttpSettings settings,
            ObjectMapper mapper,
            JournalEvents journal,
            RunPurge purger) {
        this.system = system;
        this.runs = runs;
        this.queries = queries;
        this.audit = audit;
        this.settings = settings;
        this.mapper = mapper;
        this.journal = journal;
        this.purger = purger;
        this.filters =
                new ListFilters(QuerySettings.fromConfig(system.settings().config()));
    }

    /**
     * @param scope empty for the daemon's token; a run id for that run's {@code KAGED_TOKEN}, which may
     *     start child runs of it and read it and its children, nothing else
     */
    public Route route(Optional<String> scope) {
        return pathPrefix(
                "runs",
                () -> concat(
                        pathEnd(() -> concat(post(() -> dispatch(scope)), get(() -> list(scope)))),
                        pathPrefix(
                                PathMatchers.segment(),
                                id -> concat(
                                        pathEnd(() -> concat(
                                                get(() -> readable(scope, id, () -> getOne(id))),
                                                delete(() -> unscoped(scope, () -> delete(id))))),
                                        path("output", () -> get(() -> readable(scope, id, () -> output(id)))),
                                        path("events", () -> get(() -> readable(scope, id, () -> events(id)))),
                                        unscoped(
                                                scope,
                                                () -> concat(
                                                        path("cancel", () -> post(() -> cancel(id))),
                                                        path(
                                                                "pause",
                                                                () -> post(
                                                                        () -> command(
                                                                                id, "run.pause", RunActor.Pause::new))),
                                                        path(
                                                                "resume",
                                                                () -> post(
                                                                        () -> command(
                                                                                id,
                                                                                "run.resume",
                                                                                RunActor.Resume::new))),
                                                        path("rollback", () -> post(() -> rollback(id))),
                                                        path(
                                                                "checkpoints",
                                                                () -> concat(
                                                                        post(() -> takeCheckpoint(id)),
                                                                        get(() -> listCheckpoints(id))))))))));
    }

    private static final Set<String> FINAL = Set.of("succeeded", "failed", "cancelled", "timed-out", "interrupted");

    /**
     * {@code GET /v1/runs/{id}/events[?from=N]}: the run's journal events as server-sent events, live, from
     * the moment of connection or, with {@code from}, from after event number N (0: the whole history).
     * Each event: {@code id} = sequence number, {@code event} = its type, {@code data} = its JSON. The
     * stream ends after the event that finishes the run.
     */
    private Route events(String id) {
        return parameterMap(params -> {
            QueryParams.requireKnown(params, Set.of("from", "follow"));
            boolean follow = !"false".equals(QueryParams.oneOf(params, "follow", Set.of("true", "false")));
            // without from: live from now, or (follow=false) the whole history so far
            long fromSeq = params.containsKey("from")
                    ? QueryParams.intParam(params, "from", 0, 0, Integer.MAX_VALUE)
                    : follow ? -1 : 0;
            return onSuccess(queries.get(id), view -> {
                if (view.isEmpty()) {
                    return complete(notFound(id));
                }
                String pid = RunActor.persistenceId(id).id();
                if (!follow) {
                    return completeOK(history(pid, fromSeq), EventStreamMarshalling.toEventStream());
                }
                if (fromSeq < 0 && FINAL.contains(view.get().state())) {
                    return completeOK(Source.<ServerSentEvent>empty(), EventStreamMarshalling.toEventStream());
                }
                CompletionStage<Long> start =
                        fromSeq >= 0 ? CompletableFuture.completedFuture(fromSeq) : journal.highest(pid);
                Source<ServerSentEvent, NotUsed> stream = Source.completionStageSource(
                                start.thenApply(s -> live(pid, s)))
                        .mapMaterializedValue(ignored -> NotUsed.notUsed());
                return completeOK(stream, EventStreamMarshalling.toEventStream());
            });
        });
    }

    /** The events recorded so far after {@code startAfter}, then the end of the stream. */
    private Source<ServerSentEvent, NotUsed> history(String pid, long startAfter) {
        return Source.unfoldAsync(startAfter, after -> journal.after(pid, after, 500)
                        .thenApply(events -> events.isEmpty()
                                ? Optional.<org.apache.pekko.japi.Pair<Long, List<JournalEvents.StoredEvent>>>empty()
                                : Optional.of(org.apache.pekko.japi.Pair.create(
                                        events.get(events.size() - 1).sequenceNr(), events))))
                .mapConcat(events -> {
                    List<ServerSentEvent> out = new java.util.ArrayList<>();
                    for (JournalEvents.StoredEvent e : events) {
                        out.add(sse(e));
                    }
                    return out;
                });
    }

    private ServerSentEvent sse(JournalEvents.StoredEvent e) throws com.fasterxml.jackson.core.JsonProcessingException {
        return ServerSentEvent.create(
                eventJson(e.event()), e.event().getClass().getSimpleName(), String.valueOf(e.sequenceNr()));
    }

    private Source<ServerSentEvent, NotUsed> live(String pid, long startAfter) {
        AtomicLong cursor = new AtomicLong(startAfter);
        AtomicBoolean finished = new AtomicBoolean();
        return Source.tick(Duration.ZERO, EVENT_POLL, Boolean.TRUE)
                .mapMaterializedValue(ignored -> NotUsed.notUsed())
                .takeWhile(tick -> !finished.get())
                .mapAsync(1, tick -> journal.after(pid, cursor.get(), 500))
                .mapConcat(events -> {
                    List<ServerSentEvent> out = new java.util.ArrayList<>();
                    for (JournalEvents.StoredEvent e : events) {
                        cursor.set(e.sequenceNr());
                        out.add(sse(e));
                        if (ends(e.event())) {
                            finished.set(true);
                            break;
                        }
                    }
                    return out;
                });
    }

    private static final Duration EVENT_POLL = Duration.ofMillis(200);

    /** An event as JSON, with environment values masked: they often hold credentials. */
    private String eventJson(Object event) throws com.fasterxml.jackson.core.JsonProcessingException {
        com.fasterxml.jackson.databind.JsonNode tree = mapper.valueToTree(event);
        com.fasterxml.jackson.databind.JsonNode env = tree.path("spec").path("env");
        if (env instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            o.fieldNames().forEachRemaining(name -> o.put(name, "***"));
        }
        return mapper.writeValueAsString(tree);
    }

    private static boolean ends(Object event) {
        return event instanceof RunActor.Cancelled
                || event instanceof RunActor.AttemptEnded a && !a.willRetry()
                || event instanceof RunActor.AttemptFailedToStart f && !f.willRetry()
                || event instanceof RunActor.Interrupted i && !i.willRetry();
    }

    private static HttpResponse forbidden(String what) {
        return Problem.response(
                StatusCodes.FORBIDDEN,
                "A run's KAGED_TOKEN may not " + what
                        + "; it may only start that run's child runs and read that run and its children.");
    }

    private Route unscoped(Optional<String> scope, java.util.function.Supplier<Route> inner) {
        return scope.isEmpty() ? inner.get() : complete(forbidden("change runs"));
    }

    /** The run itself or one of its children, for a scoped token. */
    private Route readable(Optional<String> scope, String id, java.util.function.Supplier<Route> inner) {
        if (scope.isEmpty() || scope.get().equals(id)) {
            return inner.get();
        }
        return onSuccess(
                queries.get(id),
                v -> v.isPresent() && scope.get().equals(v.get().parentId())
                        ? inner.get()
                        : complete(forbidden("read run " + id)));
    }

    private Route listCheckpoints(String id) {
        return completeWithFuture(queries.get(id)
                .thenCompose(v -> v.isEmpty()
                        ? CompletableFuture.completedFuture(notFound(id))
                        : queries.checkpoints(id).thenApply(list -> json(StatusCodes.OK, Map.of("items", list)))));
    }

    private Route dispatch(Optional<String> scope) {
        // The audit names who asked: the operator's API token, or the run whose scoped token was used.
        String who = scope.map(run -> "run:" + run).orElse("api");
        return withSizeLimit(
                settings.maxBodyBytes(),
                () -> entity(Unmarshaller.entityToString(), raw -> {
                    DispatchRun body = JsonBodies.parse(raw, DispatchRun.class);
                    if (scope.isPresent()) {
                        if (body.parentId() != null && !body.parentId().equals(scope.get())) {
                            return complete(forbidden("start runs outside its own children"));
                        }
                        body = new DispatchRun(
                                body.command(),
                                body.cwd(),
                                body.env(),
                                body.input(),
                                scope.get(),
                                body.sessionId(),
                                body.project(),
                                body.timeoutMs(),
                                body.retries(),
                                body.onParentEnd());
                    }
                    RunSpec spec = validate(body);
                    String id = Ids.newId();
                    CompletionStage<HttpResponse> done = parentExists(spec.parentId())
                            .thenCompose(parentOk -> {
                                if (!parentOk) {
                                    return CompletableFuture.completedFuture(Problem.response(
                                            StatusCodes.BAD_REQUEST,
                                            "Field 'parentId' names no run: " + spec.parentId() + "."));
                                }
                                return ask(id, r -> new RunActor.Dispatch(spec, r))
                                        .thenCompose(reply -> {
                                            if (reply.isError()) {
                                                audit.record(
                                                        who,
                                                        "run.dispatch",
                                                        id,
                                                        "refused",
                                                        reply.getError().getMessage());
                                                return CompletableFuture.completedFuture(Problem.response(
                                                        StatusCodes.CONFLICT,
                                                        reply.getError().getMessage()));
                                            }
                                            audit.record(
                                                    who, "run.dispatch", id, "ok", String.join(" ", spec.command()));
                                            return queries.get(id)
                                                    .thenApply(v -> json(StatusCodes.CREATED, v.orElseThrow())
                                                            .addHeader(Location.create("/v1/runs/" + id)));
                                        });
                            });
                    return completeWithFuture(done);
                }));
    }

    private CompletionStage<Boolean> parentExists(String parentId) {
        return parentId == null
                ? CompletableFuture.completedFuture(true)
                : queries.get(parentId).thenApply(java.util.Optional::isPresent);
    }

    static RunSpec validate(DispatchRun r) {
        if (r.command() == null
                || r.command().isEmpty()
                || r.command().stream().anyMatch(a -> a == null || a.isEmpty())) {
            throw new JsonBodies.BadRequest(
                    "Field 'command' is required: the argv to run, e.g. [\"claude\", \"-p\", \"...\"].");
        }
        if (r.cwd() != null && !Files.isDirectory(Path.of(r.cwd()))) {
            throw new JsonBodies.BadRequest("Field 'cwd' names no folder on this host: " + r.cwd());
        }
        if (r.timeoutMs() != null && (r.timeoutMs() < 1 || r.timeoutMs() > MAX_TIMEOUT_MS)) {
            throw new JsonBodies.BadRequest("Field 'timeoutMs' must be between 1 and " + MAX_TIMEOUT_MS + " (7 days).");
        }
        int retries = r.retries() == null ? 0 : r.retries();
        if (retries < 0 || retries > 100) {
            throw new JsonBodies.BadRequest("Field 'retries' must be between 0 and 100.");
        }
        if (r.env() != null
                && r.env().keySet().stream().anyMatch(k -> k == null || !k.matches("[A-Za-z_][A-Za-z0-9_]*"))) {
            throw new JsonBodies.BadRequest("Field 'env' must map variable names (letters, digits, _) to strings.");
        }
        if (r.project() != null && r.project().length() > 200) {
            throw new JsonBodies.BadRequest("Field 'project' holds at most 200 characters.");
        }
        if (r.onParentEnd() != null && !Set.of(RunSpec.CANCEL, RunSpec.ABANDON).contains(r.onParentEnd())) {
            throw new JsonBodies.BadRequest("Field 'onParentEnd' must be \"cancel\" (the default: the run ends when"
                    + " its parent is cancelled or times out) or \"abandon\" (it runs on).");
        }
        return new RunSpec(
                r.command(),
                r.cwd(),
                r.env(),
                r.input(),
                r.parentId(),
                r.sessionId(),
                r.project(),
                r.timeoutMs(),
                retries,
                r.onParentEnd());
    }

    private Route list(Optional<String> scope) {
        return parameterMap(params -> {
            if (scope.isPresent() && !scope.get().equals(params.getOrDefault("parentId", scope.get()))) {
                return complete(forbidden("list runs other than its own children"));
            }
            RunFilter filter = filters.runs(params, scope);
            return completeWithFuture(queries.list(filter).thenApply(page -> json(StatusCodes.OK, page)));
        });
    }

    private Route getOne(String id) {
        return completeWithFuture(queries.get(id)
                .thenApply(v -> v.map(view -> json(StatusCodes.OK, view)).orElseGet(() -> notFound(id))));
    }

    private Route output(String id) {
        return parameterMap(params -> {
            QueryParams.requireKnown(params, Set.of("stream", "superseded"));
            Optional<String> stream =
                    Optional.ofNullable(QueryParams.oneOf(params, "stream", Set.of("stdout", "stderr")));
            boolean superseded =
                    "include".equals(QueryParams.oneOf(params, "superseded", Set.of("include", "exclude")));
            return completeWithFuture(queries.get(id)
                    .thenCompose(v -> v.isEmpty()
                            ? CompletableFuture.completedFuture(notFound(id))
                            : queries.output(id, stream.orElse(null), superseded)
                                    .thenApply(bytes -> HttpResponse.create()
                                            .withEntity(HttpEntities.create(
                                                    ContentTypes.APPLICATION_OCTET_STREAM, bytes)))));
        });
    }

    /** The run, with how many of its descendants the cancel stopped ({@code cancelledDescendants}). */
    private Route cancel(String id) {
        return command(id, "run.cancel", RunActor.Cancel::new, true);
    }

    /**
     * {@code DELETE /v1/runs/{id}}: like a session's, it ends the run (a cancel) and keeps its data; with
     * {@code ?purge=true} it deletes every row of a finished run and of its whole subtree instead.
     */
    private Route delete(String id) {
        return parameterMap(params -> {
            QueryParams.requireKnown(params, Set.of("purge"));
            if ("true".equals(QueryParams.oneOf(params, "purge", Set.of("true", "false")))) {
                return completeWithFuture(purge(id));
            }
            return onSuccess(queries.get(id), v -> {
                if (v.isPresent() && FINAL.contains(v.get().state())) {
                    String reason =
                            "run " + id + " has already finished (" + v.get().state() + "); DELETE /v1/runs/" + id
                                    + "?purge=true deletes it and its child runs";
                    audit.record("api", "run.cancel", id, "refused", reason);
                    return complete(refused(reason));
                }
                return command(id, "run.cancel", RunActor.Cancel::new);
            });
        });
    }

    /**
     * Refuses a tree with a live run (cancelling is the operator's decision), has the supervisor stop the
     * tree's actors, then deletes the tree in one transaction, which writes the audit row.
     */
    private CompletionStage<HttpResponse> purge(String id) {
        return purger.tree(id).thenCompose(tree -> {
            if (tree.isEmpty()) {
                return CompletableFuture.completedFuture(notFound(id));
            }
            Optional<RunPurge.TreeRun> live = RunPurge.firstLive(tree);
            if (live.isPresent()) {
                return CompletableFuture.completedFuture(purgeRefused(id, RunPurge.liveReason(id, live.get())));
            }
            List<String> ids = tree.stream().map(RunPurge.TreeRun::id).toList();
            return AskPattern.<RunSupervisor.Command, StatusReply<RunPurge.Outcome>>ask(
                            runs,
                            r -> new RunSupervisor.Purge<>(ids, () -> purger.purge(id, Set.copyOf(ids), "api"), r),
                            settings.askTimeout(),
                            system.scheduler())
                    .handle((reply, failure) -> {
                        if (failure != null) {
                            return Problem.response(
                                    StatusCodes.SERVICE_UNAVAILABLE,
                                    "The purge of run " + id + " did not end within "
                                            + settings.askTimeout().toSeconds() + " s; it may still complete."
                                            + " GET /v1/runs/" + id + " shows whether the run is gone.");
                        }
                        if (reply.isError()) {
                            if (reply.getError() instanceof StatusReply.ErrorMessage) {
                                return purgeRefused(id, reply.getError().getMessage());
                            }
                            throw new java.util.concurrent.CompletionException(reply.getError());
                        }
                        return purged(id, reply.getValue());
                    });
        });
    }

    private HttpResponse purged(String id, RunPurge.Outcome outcome) {
        if (outcome instanceof RunPurge.Purged p) {
            return json(
                    StatusCodes.OK,
                    Map.of(
                            "purged",
                            id,
                            "runs",
                            p.runIds(),
                            "removed",
                            p.removed().named("runs")));
        }
        if (outcome instanceof RunPurge.Refused r) {
            return purgeRefused(id, r.reason());
        }
        return notFound(id);
    }

    private HttpResponse purgeRefused(String id, String reason) {
        audit.record("api", "run.purge", id, "refused", reason);
        return refused(reason);
    }

    /** A command with a run-summary reply: 404 for an unknown run, 409 with the actor's reason for a refusal. */
    private Route command(String id, String kind, Function<ActorRef<StatusReply<RunSummary>>, RunActor.Command> make) {
        return command(id, kind, make, false);
    }

    private Route command(
            String id,
            String kind,
            Function<ActorRef<StatusReply<RunSummary>>, RunActor.Command> make,
            boolean withCount) {
        return completeWithFuture(queries.get(id).thenCompose(v -> {
            if (v.isEmpty()) {
                return CompletableFuture.completedFuture(notFound(id));
            }
            return ask(id, make).thenCompose(reply -> {
                if (reply.isError()) {
                    audit.record("api", kind, id, "refused", reply.getError().getMessage());
                    return CompletableFuture.completedFuture(
                            refused(reply.getError().getMessage()));
                }
                Integer count = reply.getValue().cancelledDescendants();
                audit.record(
                        "api", kind, id, "ok", count == null || count == 0 ? null : count + " descendants cancelled");
                return queries.get(id).thenApply(view -> {
                    if (!withCount) {
                        return json(StatusCodes.OK, view.orElseThrow());
                    }
                    com.fasterxml.jackson.databind.node.ObjectNode body = mapper.valueToTree(view.orElseThrow());
                    body.put("cancelledDescendants", count == null ? 0 : count);
                    return json(StatusCodes.OK, body);
                });
            });
        }));
    }

    /** Body of {@code POST /v1/runs/{id}/rollback}. */
    public record RollbackBody(String checkpointId) {}

    /**
     * {@code POST /v1/runs/{id}/rollback}: 404 for an unknown run or a checkpoint not of this run, 409 when
     * the run cannot go back now (the actor says why), else the run as it is after the rollback.
     */
    private Route rollback(String id) {
        return withSizeLimit(
                settings.maxBodyBytes(),
                () -> entity(Unmarshaller.entityToString(), raw -> {
                    String checkpointId =
                            JsonBodies.parse(raw, RollbackBody.class).checkpointId();
                    if (checkpointId == null || checkpointId.isBlank()) {
                        throw new JsonBodies.BadRequest(
                                "Field 'checkpointId' is required: one of GET /v1/runs/" + id + "/checkpoints.");
                    }
                    return completeWithFuture(queries.get(id).thenCompose(v -> {
                        if (v.isEmpty()) {
                            return CompletableFuture.completedFuture(notFound(id));
                        }
                        return queries.checkpoints(id).thenCompose(list -> {
                            if (list.stream().noneMatch(cp -> cp.id().equals(checkpointId))) {
                                return CompletableFuture.completedFuture(Problem.response(
                                        StatusCodes.NOT_FOUND,
                                        "Run " + id + " has no checkpoint " + checkpointId + "; GET /v1/runs/" + id
                                                + "/checkpoints lists them."));
                            }
                            return ask(id, r -> new RunActor.Rollback(checkpointId, r))
                                    .thenCompose(reply -> {
                                        if (reply.isError()) {
                                            audit.record(
                                                    "api",
                                                    "run.rollback",
                                                    id,
                                                    "refused",
                                                    checkpointId + ": "
                                                            + reply.getError().getMessage());
                                            return CompletableFuture.completedFuture(
                                                    refused(reply.getError().getMessage()));
                                        }
                                        audit.record("api", "run.rollback", id, "ok", "to checkpoint " + checkpointId);
                                        return queries.get(id)
                                                .thenApply(view -> json(StatusCodes.OK, view.orElseThrow()));
                                    });
                        });
                    }));
                }));
    }

    /** Body of {@code POST /v1/runs/{id}/checkpoints}. */
    public record CheckpointBody(String label) {}

    private Route takeCheckpoint(String id) {
        return withSizeLimit(
                settings.maxBodyBytes(),
                () -> entity(Unmarshaller.entityToString(), raw -> {
                    String label = raw.isBlank()
                            ? null
                            : JsonBodies.parse(raw, CheckpointBody.class).label();
                    if (label != null && label.length() > 200) {
                        throw new JsonBodies.BadRequest("Field 'label' holds at most 200 characters.");
                    }
                    return completeWithFuture(queries.get(id).thenCompose(v -> {
                        if (v.isEmpty()) {
                            return CompletableFuture.completedFuture(notFound(id));
                        }
                        return AskPattern.<RunSupervisor.Command, StatusReply<String>>ask(
                                        runs,
                                        r -> new RunSupervisor.Deliver(id, new RunActor.Checkpoint(label, r)),
                                        settings.askTimeout(),
                                        system.scheduler())
                                .thenApply(reply -> {
                                    if (reply.isError()) {
                                        audit.record(
                                                "api",
                                                "run.checkpoint",
                                                id,
                                                "refused",
                                                reply.getError().getMessage());
                                        return refused(reply.getError().getMessage());
                                    }
                                    audit.record("api", "run.checkpoint", id, "ok", label);
                                    return json(
                                            StatusCodes.CREATED,
                                            Map.of("id", reply.getValue(), "label", label == null ? "" : label));
                                });
                    }));
                }));
    }

    private static HttpResponse refused(String message) {
        return Problem.response(
                StatusCodes.CONFLICT, Character.toUpperCase(message.charAt(0)) + message.substring(1) + ".");
    }

    private CompletionStage<StatusReply<RunSummary>> ask(
            String id, Function<ActorRef<StatusReply<RunSummary>>, RunActor.Command> make) {
        return AskPattern.<RunSupervisor.Command, StatusReply<RunSummary>>ask(
                        runs,
                        r -> new RunSupervisor.Deliver(id, make.apply(r)),
                        settings.askTimeout(),
                        system.scheduler())
                .exceptionally(
                        e -> StatusReply.error("run " + id + " did not answer in time; the daemon may be overloaded"));
    }

    private static HttpResponse notFound(String id) {
        return Problem.response(StatusCodes.NOT_FOUND, "No run with id '" + id + "'. GET /v1/runs lists them.");
    }

    private HttpResponse json(StatusCode status, Object body) {
        try {
            return HttpResponse.create()
                    .withStatus(status)
                    .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, mapper.writeValueAsBytes(body)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("response body does not serialize", e);
        }
    }
}
