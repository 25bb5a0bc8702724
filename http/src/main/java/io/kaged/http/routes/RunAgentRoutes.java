package io.kaged.http.routes;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kaged.actors.acp.Conversation;
import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunQueries;
import io.kaged.actors.run.RunSupervisor;
import io.kaged.actors.run.agent.RunConversation;
import io.kaged.persistence.journal.JournalEvents;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The routes of an ACP run's conversation: {@code POST /v1/runs/{id}/prompt}, {@code POST
 * /v1/runs/{id}/cancel-turn} (to the run actor) and {@code GET /v1/runs/{id}/conversation}, folded from the
 * run's journal events as they are read (ADR-0064).
 */
final class RunAgentRoutes extends AllDirectives {

    /** Body of {@code POST /v1/runs/{id}/prompt}. */
    record PromptBody(String text, Boolean queue) {}

    /** One page of a conversation; {@code next} is the offset of the following page, absent on the last. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ConversationPage(
            String runId,
            List<ObjectNode> items,
            int offset,
            int limit,
            int total,
            Integer next,
            String title,
            String currentModeId,
            Object usage,
            RunConversation.Agent agent) {}

    private static final int PAGE = 500;
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;

    private final RunQueries queries;
    private final ActorCalls<RunSupervisor.Command> calls;
    private final Json json;
    private final JournalEvents journal;

    RunAgentRoutes(RunQueries queries, ActorCalls<RunSupervisor.Command> calls, Json json, JournalEvents journal) {
        this.queries = queries;
        this.calls = calls;
        this.json = json;
        this.journal = journal;
    }

    /** {@code who}: "api", or "run:ID" for an ancestor run's token, as the audit names it. */
    Route prompt(String who, String id) {
        return json.body(PromptBody.class, body -> {
            RunDispatch.prompt("text", body.text(), false);
            boolean queue = Boolean.TRUE.equals(body.queue());
            return completeWithFuture(known(
                    id,
                    () -> calls.<String>call(
                            ActorCalls.Action.of(who, "run.prompt", id, queue ? "queue allowed" : null),
                            r -> new RunSupervisor.Deliver(id, new RunActor.Prompt(body.text(), queue, r)),
                            answer -> ActorCalls.done(
                                    json.reply(StatusCodes.ACCEPTED, Map.of("runId", id, "prompt", answer))))));
        });
    }

    Route cancelTurn(String who, String id) {
        return completeWithFuture(known(
                id,
                () -> calls.<String>call(
                        ActorCalls.Action.of(who, "run.cancel-turn", id, null),
                        r -> new RunSupervisor.Deliver(id, new RunActor.CancelTurn(r)),
                        answer -> ActorCalls.done(
                                json.reply(StatusCodes.ACCEPTED, Map.of("runId", id, "turn", answer))))));
    }

    Route conversation(String id) {
        return parameterMap(params -> {
            QueryParams.requireKnown(params, Set.of("offset", "limit"));
            int offset = QueryParams.intParam(params, "offset", 0, 0, Integer.MAX_VALUE);
            int limit = QueryParams.intParam(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
            String pid = RunActor.persistenceId(id).id();
            return completeWithFuture(
                    known(id, () -> journal.after(pid, 0, PAGE).thenCompose(first -> {
                        if (first.isEmpty()
                                || !(first.get(0).event() instanceof RunActor.Dispatched d)
                                || !d.spec().speaksAcp()) {
                            return ActorCalls.done(Problem.conflict("run " + id + " is not an ACP run: it was started"
                                    + " without \"acp\", so it has no conversation; GET /v1/runs/" + id
                                    + "/output has what it printed"));
                        }
                        return fold(pid, first, new RunConversation()).thenApply(fold -> page(id, fold, offset, limit));
                    })));
        });
    }

    private HttpResponse page(String id, RunConversation fold, int offset, int limit) {
        Conversation conversation = fold.conversation();
        int total = conversation.items().size();
        List<ObjectNode> items = conversation.page(offset, limit).stream()
                .map(ConversationItems::json)
                .toList();
        Integer next = offset + items.size() < total ? offset + items.size() : null;
        return json.reply(
                StatusCodes.OK,
                new ConversationPage(
                        id,
                        items,
                        offset,
                        limit,
                        total,
                        next,
                        conversation.title(),
                        conversation.currentModeId(),
                        conversation.usage(),
                        fold.agent()));
    }

    /**
     * Folds {@code page} and every later event of {@code pid} into {@code fold}, page by page: the pages are
     * dropped as they are folded, so a run of a million updates is never in memory as events all at once.
     */
    private CompletionStage<RunConversation> fold(
            String pid, List<JournalEvents.StoredEvent> page, RunConversation fold) {
        fold.collectAll(page);
        if (page.size() < PAGE) {
            return CompletableFuture.completedFuture(fold.finish());
        }
        long last = page.get(page.size() - 1).sequenceNr();
        return journal.after(pid, last, PAGE).thenCompose(next -> fold(pid, next, fold));
    }

    /** 404 for an unknown run, answered from SQL so a typo wakes no actor; else {@code then}. */
    private CompletionStage<HttpResponse> known(
            String id, java.util.function.Supplier<CompletionStage<HttpResponse>> then) {
        return queries.get(id).thenCompose(v -> v.isEmpty() ? ActorCalls.done(RunRoutes.noRun(id)) : then.get());
    }
}
