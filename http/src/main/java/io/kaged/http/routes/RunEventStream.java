package io.kaged.http.routes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kaged.actors.acp.ConversationItem;
import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunQueries;
import io.kaged.actors.run.agent.RunConversation;
import io.kaged.persistence.journal.JournalEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Source;

/**
 * {@code GET /v1/runs/{id}/events[?from=N][&follow=false]}: the run's journal events as server-sent
 * events, live, from the moment of connection or, with {@code from}, from after event number N (0: the
 * whole history). Each event: {@code id} = sequence number, {@code event} = its type, {@code data} = its
 * JSON with environment values masked. The stream ends after the event that finishes the run.
 */
final class RunEventStream extends AllDirectives {

    static final Set<String> FINAL = Set.of("succeeded", "failed", "cancelled", "timed-out", "interrupted");

    private static final Duration EVENT_POLL = Duration.ofMillis(200);
    private static final int PAGE = 500;

    private final RunQueries queries;
    private final JournalEvents journal;
    private final ObjectMapper mapper;

    RunEventStream(RunQueries queries, JournalEvents journal, ObjectMapper mapper) {
        this.queries = queries;
        this.journal = journal;
        this.mapper = mapper;
    }

    Route events(String id) {
        return parameterMap(params -> {
            QueryParams.requireKnown(params, Set.of("from", "follow"));
            boolean follow = !"false".equals(QueryParams.oneOf(params, "follow", Set.of("true", "false")));
            // without from: live from now, or (follow=false) the whole history so far
            long fromSeq = params.containsKey("from")
                    ? QueryParams.intParam(params, "from", 0, 0, Integer.MAX_VALUE)
                    : follow ? -1 : 0;
            return onSuccess(queries.get(id), view -> {
                if (view.isEmpty()) {
                    return complete(RunRoutes.noRun(id));
                }
                String pid = RunActor.persistenceId(id).id();
                CompletionStage<Boolean> acp = speaksAcp(pid);
                if (!follow) {
                    Source<ServerSentEvent, NotUsed> past = Source.completionStageSource(
                                    acp.thenApply(a -> history(pid, fromSeq, a)))
                            .mapMaterializedValue(ignored -> NotUsed.notUsed());
                    return completeOK(past, EventStreamMarshalling.toEventStream());
                }
                if (fromSeq < 0 && FINAL.contains(view.get().state())) {
                    return completeOK(Source.<ServerSentEvent>empty(), EventStreamMarshalling.toEventStream());
                }
                CompletionStage<Long> start =
                        fromSeq >= 0 ? CompletableFuture.completedFuture(fromSeq) : journal.highest(pid);
                Source<ServerSentEvent, NotUsed> stream = Source.completionStageSource(
                                start.thenCombine(acp, (s, a) -> live(pid, s, a)))
                        .mapMaterializedValue(ignored -> NotUsed.notUsed());
                return completeOK(stream, EventStreamMarshalling.toEventStream());
            });
        });
    }

    /**
     * Whether the run is an ACP run: then its stream also carries its conversation's items, each time one is
     * added or changes ({@code event: ConversationItem}), folded from the whole history so items keep their
     * index whatever the stream's start (ADR-0064).
     */
    private CompletionStage<Boolean> speaksAcp(String pid) {
        return journal.after(pid, 0, 1)
                .thenApply(first -> !first.isEmpty()
                        && first.get(0).event() instanceof RunActor.Dispatched d
                        && d.spec().speaksAcp());
    }

    /** The events recorded so far after {@code startAfter}, then the end of the stream. */
    private Source<ServerSentEvent, NotUsed> history(String pid, long startAfter, boolean acp) {
        RunConversation fold = acp ? new RunConversation() : null;
        return Source.unfoldAsync(acp ? 0 : startAfter, after -> journal.after(pid, after, PAGE)
                        .thenApply(events -> events.isEmpty()
                                ? Optional.<Pair<Long, List<JournalEvents.StoredEvent>>>empty()
                                : Optional.of(Pair.create(
                                        events.get(events.size() - 1).sequenceNr(), events))))
                .mapConcat(events -> {
                    List<ServerSentEvent> out = new ArrayList<>();
                    for (JournalEvents.StoredEvent e : events) {
                        emit(e, startAfter, fold, out);
                    }
                    return out;
                });
    }

    /** {@code e} and the conversation items it changed, if it is after {@code startAfter}. */
    private void emit(JournalEvents.StoredEvent e, long startAfter, RunConversation fold, List<ServerSentEvent> out)
            throws JsonProcessingException {
        RunConversation.Change change =
                fold == null ? new RunConversation.Change(List.of(), -1) : fold.apply(e.sequenceNr(), e.event());
        if (e.sequenceNr() <= startAfter) {
            return;
        }
        out.add(sse(e));
        if (change.setAsideFrom() >= 0) {
            out.add(ServerSentEvent.create(
                    "{\"from\":" + change.setAsideFrom() + "}",
                    "ConversationSetAside",
                    String.valueOf(e.sequenceNr())));
        }
        for (ConversationItem item : change.changed()) {
            out.add(ServerSentEvent.create(
                    mapper.writeValueAsString(ConversationItems.json(item)),
                    "ConversationItem",
                    String.valueOf(e.sequenceNr())));
        }
    }

    private Source<ServerSentEvent, NotUsed> live(String pid, long startAfter, boolean acp) {
        RunConversation fold = acp ? new RunConversation() : null;
        AtomicLong cursor = new AtomicLong(acp ? 0 : startAfter);
        AtomicBoolean finished = new AtomicBoolean();
        return Source.tick(Duration.ZERO, EVENT_POLL, Boolean.TRUE)
                .mapMaterializedValue(ignored -> NotUsed.notUsed())
                .takeWhile(tick -> !finished.get())
                .mapAsync(1, tick -> journal.after(pid, cursor.get(), PAGE))
                .mapConcat(events -> {
                    List<ServerSentEvent> out = new ArrayList<>();
                    for (JournalEvents.StoredEvent e : events) {
                        cursor.set(e.sequenceNr());
                        emit(e, startAfter, fold, out);
                        if (e.sequenceNr() > startAfter && ends(e.event())) {
                            finished.set(true);
                            break;
                        }
                    }
                    return out;
                });
    }

    private ServerSentEvent sse(JournalEvents.StoredEvent e) throws JsonProcessingException {
        return ServerSentEvent.create(
                eventJson(e.event()), e.event().getClass().getSimpleName(), String.valueOf(e.sequenceNr()));
    }

    /** An event as JSON, with environment values masked: they often hold credentials. */
    private String eventJson(Object event) throws JsonProcessingException {
        JsonNode tree = mapper.valueToTree(event);
        JsonNode env = tree.path("spec").path("env");
        if (env instanceof ObjectNode o) {
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
}
