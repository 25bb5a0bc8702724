package io.kaged.http.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.query.QuerySettings;
import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunFilter;
import io.kaged.actors.run.RunPurge;
import io.kaged.actors.run.RunQueries;
import io.kaged.actors.run.RunSummary;
import io.kaged.actors.run.RunSupervisor;
import io.kaged.actors.run.RunView;
import io.kaged.http.HttpSettings;
import io.kaged.persistence.journal.JournalEvents;
import io.kaged.persistence.secret.SecretStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;

/**
 * {@code /v1/runs}: what a run's token may do, reads from the query tables, and the commands that go to
 * the run actors. Starting a run ({@link RunDispatch}), its event stream ({@link RunEventStream}) and its
 * checkpoints ({@link RunCheckpoints}) have their own classes.
 */
public final class RunRoutes extends AllDirectives {

    private final RunQueries queries;
    private final AuditTrail audit;
    private final RunPurge purger;
    private final ListFilters filters;
    private final Json json;
    private final ActorCalls<RunSupervisor.Command> calls;
    private final RunDispatch dispatch;
    private final RunEventStream events;
    private final RunCheckpoints checkpoints;
    private final RunAgentRoutes agent;
    private final RunScope scopes;

    public RunRoutes(
            ActorSystem<?> system,
            ActorRef<RunSupervisor.Command> runs,
            RunQueries queries,
            AuditTrail audit,
            HttpSettings settings,
            ObjectMapper mapper,
            JournalEvents journal,
            RunPurge purger,
            SecretStore secrets) {
        this.queries = queries;
        this.audit = audit;
        this.purger = purger;
        this.filters =
                new ListFilters(QuerySettings.fromConfig(system.settings().config()));
        this.json = new Json(mapper);
        this.calls = new ActorCalls<>(system, runs, settings.askTimeout(), audit);
        this.dispatch = new RunDispatch(
                queries,
                calls,
                json,
                secrets,
                io.kaged.actors.workspace.Workspaces.store(system),
                new AgentProfiles(projects(system), secrets),
                new ProjectSandbox(projects(system), queries));
        this.events = new RunEventStream(queries, journal, mapper);
        this.checkpoints = new RunCheckpoints(queries, calls, json, new WorkspaceDiff(system));
        this.agent = new RunAgentRoutes(queries, calls, json, journal);
        this.scopes = new RunScope(queries, audit);
    }

    /**
     * @param scope empty for the daemon's token; a run id for that run's {@code KAGED_TOKEN}, which may do
     *     what {@link RunScope} says
     */
    public Route route(Optional<String> scope) {
        return pathPrefix(
                "runs",
                () -> concat(
                        pathEnd(() -> concat(
                                post(() -> calls.writing(() -> dispatch.dispatch(scope))), get(() -> list(scope)))),
                        pathPrefix(PathMatchers.segment(), id -> concat(reads(scope, id), steers(scope, id)))));
    }

    /** What a run's token may read of its own run and its descendants. */
    private Route reads(Optional<String> scope, String id) {
        return concat(
                pathEnd(() -> get(() -> scopes.reads(scope, id, () -> getOne(id)))),
                path("output", () -> get(() -> scopes.reads(scope, id, () -> output(id)))),
                path("events", () -> get(() -> scopes.reads(scope, id, () -> events.events(id)))),
                path("conversation", () -> get(() -> scopes.reads(scope, id, () -> agent.conversation(id)))),
                pathPrefix(
                        "checkpoints",
                        () -> concat(
                                pathEnd(() -> get(() -> scopes.reads(scope, id, () -> checkpoints.list(id)))),
                                path(
                                        PathMatchers.segment().slash("diff"),
                                        cp -> get(() -> scopes.reads(scope, id, () -> checkpoints.diff(id, cp)))))));
    }

    /**
     * The commands to a run: a run's token may give them to its descendants only, and the audit names that
     * run as who gave them. Deleting (and purging) stays the operator's.
     */
    private Route steers(Optional<String> scope, String id) {
        String who = RunScope.actor(scope);
        return concat(
                pathEnd(() -> delete(() -> scope.isPresent()
                        ? complete(forbidden("delete or purge runs (POST /v1/runs/" + id + "/cancel cancels one)"))
                        : calls.writing(() -> delete(id)))),
                path("cancel", () -> post(() -> steer(scope, id, "cancel", () -> cancel(who, id)))),
                path(
                        "pause",
                        () -> post(() ->
                                steer(scope, id, "pause", () -> command(who, id, "run.pause", RunActor.Pause::new)))),
                path(
                        "resume",
                        () -> post(() -> steer(
                                scope, id, "resume", () -> command(who, id, "run.resume", RunActor.Resume::new)))),
                path("rollback", () -> post(() -> steer(scope, id, "roll back", () -> checkpoints.rollback(who, id)))),
                path("prompt", () -> post(() -> steer(scope, id, "prompt", () -> agent.prompt(who, id)))),
                path(
                        "cancel-turn",
                        () -> post(() -> steer(scope, id, "cancel the turn of", () -> agent.cancelTurn(who, id)))),
                path(
                        "checkpoints",
                        () -> post(() -> steer(scope, id, "take a checkpoint of", () -> checkpoints.take(who, id)))));
    }

    /** A command: refused at once while the store takes no writes, then as the token's scope says. */
    private Route steer(Optional<String> scope, String id, String what, Supplier<Route> inner) {
        return calls.writing(() -> scopes.steers(scope, id, what, inner));
    }

    static HttpResponse forbidden(String what) {
        return RunScope.forbidden(what);
    }

    static HttpResponse noRun(String id) {
        return Problem.response(StatusCodes.NOT_FOUND, "No run with id '" + id + "'. GET /v1/runs lists them.");
    }

    private Route list(Optional<String> scope) {
        return parameterMap(params -> {
            RunFilter filter = filters.runs(params, scope);
            Supplier<Route> page =
                    () -> completeWithFuture(queries.list(filter).thenApply(p -> json.reply(StatusCodes.OK, p)));
            // a run's token lists the children of its own run, or with parentId those of a descendant
            return scope.isEmpty() || scope.get().equals(filter.parentId())
                    ? page.get()
                    : onSuccess(
                            scopes.relation(scope.get(), filter.parentId()),
                            r -> r == RunScope.Relation.DESCENDANT
                                    ? page.get()
                                    : complete(forbidden("list the children of run " + filter.parentId()
                                            + ", outside its subtree")));
        });
    }

    private Route getOne(String id) {
        return completeWithFuture(queries.get(id)
                .thenApply(v -> v.map(view -> json.reply(StatusCodes.OK, view)).orElseGet(() -> noRun(id))));
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
                            ? ActorCalls.done(noRun(id))
                            : queries.output(id, stream.orElse(null), superseded)
                                    .thenApply(bytes -> HttpResponse.create()
                                            .withEntity(HttpEntities.create(
                                                    ContentTypes.APPLICATION_OCTET_STREAM, bytes)))));
        });
    }

    /**
     * A command with a run-summary reply: 404 for an unknown run (answered from SQL, so a typo wakes no
     * actor), 409 with the actor's reason for a refusal, else the run as it is now.
     */
    private Route command(
            String who, String id, String kind, Function<ActorRef<StatusReply<RunSummary>>, RunActor.Command> make) {
        return completeWithFuture(queries.get(id)
                .thenCompose(v -> v.isEmpty()
                        ? ActorCalls.done(noRun(id))
                        : calls.<RunSummary>call(
                                ActorCalls.Action.of(who, kind, id, null),
                                r -> new RunSupervisor.Deliver(id, make.apply(r)),
                                summary -> queries.get(id)
                                        .thenApply(view -> json.reply(StatusCodes.OK, view.orElseThrow())))));
    }

    /** The run, with how many of its unfinished descendants the cancel stopped. */
    record CancelledRun(@com.fasterxml.jackson.annotation.JsonUnwrapped RunView run, int cancelledDescendants) {}

    private Route cancel(String who, String id) {
        return completeWithFuture(queries.get(id)
                .thenCompose(v -> v.isEmpty()
                        ? ActorCalls.done(noRun(id))
                        : calls.<RunSummary>call(
                                ActorCalls.Action.of(who, "run.cancel", id, null),
                                r -> new RunSupervisor.Deliver(id, new RunActor.Cancel(r)),
                                summary -> queries.get(id)
                                        .thenApply(view -> json.reply(
                                                StatusCodes.OK,
                                                new CancelledRun(
                                                        view.orElseThrow(),
                                                        summary.cancelledDescendants() == null
                                                                ? 0
                                                                : summary.cancelledDescendants()))))));
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
                if (v.isPresent() && RunEventStream.FINAL.contains(v.get().state())) {
                    String reason =
                            "run " + id + " has already finished (" + v.get().state() + "); DELETE /v1/runs/" + id
                                    + "?purge=true deletes it and its child runs";
                    audit.record("api", "run.cancel", id, "refused", reason);
                    return complete(Problem.conflict(reason));
                }
                return command("api", id, "run.cancel", RunActor.Cancel::new);
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
                return ActorCalls.done(noRun(id));
            }
            Optional<RunPurge.TreeRun> live = RunPurge.firstLive(tree);
            if (live.isPresent()) {
                return ActorCalls.done(purgeRefused(id, RunPurge.liveReason(id, live.get())));
            }
            List<String> ids = tree.stream().map(RunPurge.TreeRun::id).toList();
            return calls.<RunPurge.Outcome>call(
                    ActorCalls.Action.auditedByStore("api", "run.purge", id)
                            .lateNote("the purge may still complete. GET /v1/runs/" + id
                                    + " shows whether the run is gone"),
                    r -> new RunSupervisor.Purge<>(ids, () -> purger.purge(id, Set.copyOf(ids), "api"), r),
                    outcome -> ActorCalls.done(purged(id, outcome)));
        });
    }

    private HttpResponse purged(String id, RunPurge.Outcome outcome) {
        if (outcome instanceof RunPurge.Purged p) {
            return json.reply(
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
        return noRun(id);
    }

    private HttpResponse purgeRefused(String id, String reason) {
        audit.record("api", "run.purge", id, "refused", reason);
        return Problem.conflict(reason);
    }

    /** The projects' store, for the config a dispatch reads (agent profiles, sandbox defaults). */
    static io.kaged.persistence.project.ProjectStore projects(ActorSystem<?> system) {
        return new io.kaged.persistence.project.ProjectStore(
                io.kaged.persistence.store.StoreExtension.store(system.classicSystem()), java.time.Clock.systemUTC());
    }
}
