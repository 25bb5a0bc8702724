package io.kaged.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.session.SessionActor;
import io.kaged.actors.session.SessionQueries;
import io.kaged.actors.session.SessionSupervisor;
import io.kaged.http.HttpSettings;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.BufferOverflowException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /v1/sessions/{id}/attach}: a WebSocket that first sends the recorded scrollback, then live
 * output. Server to client: binary frames are terminal output, text frames are JSON notices ({@code end},
 * {@code dropped}, {@code error}). Client to server: binary frames are input; text frames are JSON {@code
 * {"type":"input","data":"..."}} or {@code {"type":"resize","cols":N,"rows":M}}. With {@code readOnly=true}
 * the client's frames are ignored.
 *
 * <p>Each client has a bounded queue ({@code kaged.sessions.client-buffer} chunks); a client that falls that
 * far behind is dropped with a {@code dropped} notice, never slowing the session or other clients.
 *
 * <p>With {@code from=N} a client that reconnects continues where it left off: the first frame is a notice
 * {@code {"type":"offset","offset":S}} naming the offset of the first output byte that follows, counted in the
 * session's whole output (dropped scrollback included, so an offset names the same byte for the session's
 * whole life): N when the retained scrollback still holds it, else the offset of the first byte it holds, and
 * the client starts over from there. Output then follows from S with no gap and no repeat, as the scrollback
 * and the live subscription meet as for a first attach.
 */
public final class SessionAttach extends AllDirectives {

    private final ActorSystem<?> system;
    private final ActorRef<SessionSupervisor.Command> sessions;
    private final SessionQueries queries;
    private final HttpSettings settings;
    private final int clientBuffer;
    private final AttachTickets tickets;
    private final AuditTrail audit;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Json json = new Json(mapper);

    public SessionAttach(
            ActorSystem<?> system,
            ActorRef<SessionSupervisor.Command> sessions,
            SessionQueries queries,
            HttpSettings settings,
            int clientBuffer,
            AttachTickets tickets,
            AuditTrail audit) {
        this.system = system;
        this.sessions = sessions;
        this.queries = queries;
        this.settings = settings;
        this.clientBuffer = clientBuffer;
        this.tickets = tickets;
        this.audit = audit;
    }

    public Route route(BearerAuth auth, String id) {
        return parameterOptional(
                "ticket",
                ticket -> parameterOptional(
                        "readOnly",
                        readOnly -> parameterOptional("from", from -> {
                            boolean ro = QueryParams.bool(
                                    readOnly.map(v -> Map.of("readOnly", v)).orElse(Map.of()), "readOnly");
                            Long offset = QueryParams.optionalCount(
                                    from.map(v -> Map.of("from", v)).orElse(Map.of()), "from");
                            if (ticket.isPresent()) {
                                return tickets.redeem(ticket.get(), id)
                                        ? socket(id, ro, offset)
                                        : complete(Problem.response(
                                                StatusCodes.UNAUTHORIZED,
                                                "The attach ticket is unknown, used or expired; ask for a new one with"
                                                        + " POST /v1/sessions/" + id + "/attach-ticket."));
                            }
                            return auth.authenticated(() -> socket(id, ro, offset));
                        })));
    }

    /** {@code POST /v1/sessions/{id}/attach-ticket}. */
    public Route ticket(String id) {
        return onSuccess(queries.get(id), view -> {
            if (view.isEmpty()) {
                return complete(Problem.response(StatusCodes.NOT_FOUND, "No session with id '" + id + "'."));
            }
            AttachTickets.Ticket t = tickets.issue(id);
            audit.record("api", "session.attach-ticket", id, "ok", null);
            return complete(json.reply(
                    StatusCodes.CREATED,
                    Map.of(
                            "ticket", t.ticket(),
                            "expiresAt", t.expiresAt().toString(),
                            "url", "/v1/sessions/" + id + "/attach?ticket=" + t.ticket())));
        });
    }

    /** @param from the transcript offset the client has seen up to, or null for a plain attach */
    private Route socket(String id, boolean readOnly, Long from) {
        return onSuccess(queries.get(id), view -> {
            if (view.isEmpty()) {
                return complete(Problem.response(StatusCodes.NOT_FOUND, "No session with id '" + id + "'."));
            }
            return handleWebSocketMessages(flow(id, readOnly, from));
        });
    }

    private Flow<Message, Message, NotUsed> flow(String id, boolean readOnly, Long from) {
        Pair<ActorRef<SessionActor.ClientFrame>, Source<SessionActor.ClientFrame, NotUsed>> live =
                ActorSource.<SessionActor.ClientFrame>actorRef(
                                frame -> false, frame -> Optional.empty(), clientBuffer, OverflowStrategy.fail())
                        .preMaterialize(system);
        ActorRef<SessionActor.ClientFrame> client = live.first();
        CompletionStage<Source<Message, NotUsed>> out =
                AskPattern.<SessionSupervisor.Command, StatusReply<SessionActor.Attached>>ask(
                                sessions,
                                r -> new SessionSupervisor.Deliver(id, new SessionActor.Attach(client, r)),
                                settings.askTimeout(),
                                system.scheduler())
                        .exceptionally(e -> StatusReply.error("session " + id + " did not answer within "
                                + settings.askTimeout().toSeconds()
                                + " s; the daemon may be overloaded, attach again in " + Problem.RETRY_AFTER_SECONDS
                                + " s"))
                        .thenCompose(reply -> {
                            if (reply.isError()) {
                                client.tell(new SessionActor.EndFrame(
                                        reply.getError().getMessage()));
                                return CompletableFuture.completedFuture(tail(live.second()));
                            }
                            SessionActor.Attached a = reply.getValue();
                            audit.record("api", "session.attach", id, "ok", readOnly ? "read-only" : "read-write");
                            if (!a.live()) {
                                client.tell(new SessionActor.EndFrame("session has ended"));
                            }
                            return queries.transcript(id, a.recordedUpTo()).thenApply(scrollback -> {
                                ByteString all =
                                        ByteString.fromArray(scrollback).concat(ByteString.fromArray(a.unrecorded()));
                                // the scrollback read may lack batches dropped since the reply: its first byte's
                                // offset is counted back from the end of what was recorded
                                long base = a.recordedBytes() == null ? 0 : a.recordedBytes() - scrollback.length;
                                long start = from != null && from >= base && from <= base + all.size() ? from : base;
                                ByteString first = all.drop((int) (start - base));
                                Source<Message, NotUsed> head =
                                        first.isEmpty() ? Source.empty() : Source.single(BinaryMessage.create(first));
                                if (from != null) {
                                    head = Source.<Message>single(offsetNotice(start))
                                            .concat(head);
                                }
                                return head.concat(tail(live.second()));
                            });
                        });
        Source<Message, NotUsed> outgoing =
                Source.completionStageSource(out).mapMaterializedValue(ignored -> NotUsed.notUsed());
        Sink<Message, ?> incoming = readOnly ? Sink.ignore() : inputSink(id);
        return Flow.fromSinkAndSourceCoupled(incoming, outgoing);
    }

    private Source<Message, NotUsed> tail(Source<SessionActor.ClientFrame, NotUsed> live) {
        return live.takeWhile(frame -> !(frame instanceof SessionActor.EndFrame), true)
                .map(this::toMessage)
                .recover(
                        BufferOverflowException.class,
                        () -> notice(
                                "dropped",
                                "this client fell more than " + clientBuffer + " output chunks behind and was dropped;"
                                        + " the session goes on, attach again to catch up"));
    }

    private Message toMessage(SessionActor.ClientFrame frame) {
        if (frame instanceof SessionActor.OutputFrame o) {
            return BinaryMessage.create(ByteString.fromArray(o.data()));
        }
        return notice("end", ((SessionActor.EndFrame) frame).reason());
    }

    private Message notice(String type, String reason) {
        try {
            return TextMessage.create(mapper.writeValueAsString(Map.of("type", type, "reason", reason)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Message offsetNotice(long offset) {
        try {
            return TextMessage.create(mapper.writeValueAsString(
                    mapper.createObjectNode().put("type", "offset").put("offset", offset)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Sink<Message, NotUsed> inputSink(String id) {
        Materializer mat = Materializer.matFromSystem(system);
        long strictMs = 5_000;
        return Flow.<Message>create()
                .mapAsync(
                        1,
                        m -> m.isText()
                                ? m.asTextMessage().toStrict(strictMs, mat).thenApply(t -> (Object) t.getStrictText())
                                : m.asBinaryMessage().toStrict(strictMs, mat).thenApply(b ->
                                        (Object) b.getStrictData()))
                .to(Sink.foreach(payload -> {
                    if (payload instanceof ByteString bytes) {
                        input(id, bytes.toArray());
                    } else {
                        control(id, (String) payload);
                    }
                }));
    }

    private void input(String id, byte[] data) {
        sessions.tell(new SessionSupervisor.Deliver(id, new SessionActor.Input(data, system.ignoreRef())));
    }

    private void control(String id, String text) {
        JsonNode msg;
        try {
            msg = mapper.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return;
        }
        String type = msg.path("type").asText("");
        if (type.equals("input") && msg.path("data").isTextual()) {
            input(id, msg.get("data").asText().getBytes(StandardCharsets.UTF_8));
        } else if (type.equals("resize")
                && msg.path("cols").canConvertToInt()
                && msg.path("rows").canConvertToInt()) {
            int cols = msg.get("cols").asInt();
            int rows = msg.get("rows").asInt();
            if (cols > 0 && rows > 0 && cols <= 1000 && rows <= 1000) {
                sessions.tell(
                        new SessionSupervisor.Deliver(id, new SessionActor.Resize(cols, rows, system.ignoreRef())));
            }
        }
    }
}
