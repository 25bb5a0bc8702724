package io.kaged.http.routes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunQueries;
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
        return Source.unfoldAsync(startAfter, after -> journal.after(pid, after, PAGE)
                        .thenApply(events -> events.isEmpty()
                                ? Optional.<Pair<Long, List<JournalEvents.StoredEvent>>>empty()
                                : Optional.of(Pair.create(
                                        events.get(events.size() - 1).sequenceNr(), events))))
                .mapConcat(events -> {
                    List<ServerSentEvent> out = new ArrayList<>();
                    for (JournalEvents.StoredEvent e : events) {
                        out.add(sse(e));
                    }
                    return out;
                });
    }

    private Source<ServerSentEvent, NotUsed> live(String pid, long startAfter) {
        AtomicLong cursor = new AtomicLong(startAfter);
        AtomicBoolean finished = new AtomicBoolean();
        return Source.tick(Duration.ZERO, EVENT_POLL, Boolean.TRUE)
                .mapMaterializedValue(ignored -> NotUsed.notUsed())
                .takeWhile(tick -> !finished.get())
                .mapAsync(1, tick -> journal.after(pid, cursor.get(), PAGE))
                .mapConcat(events -> {
                    List<ServerSentEvent> out = new ArrayList<>();
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
