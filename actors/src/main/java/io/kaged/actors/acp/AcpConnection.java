package io.kaged.actors.acp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.acp.AgentMessage.FaultKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * kaged's ACP client over one agent's stdio: JSON-RPC 2.0, one message a line. It is the edge between the
 * protocol and the run actor. Nothing here blocks a caller: lines are read on the reader executor, writes
 * are queued and drained on the writer executor, kaged's requests return futures matched to answers by id,
 * and everything the agent sends reaches the {@link Listener} as one typed {@link AgentMessage} (from the
 * reader thread, in the order the agent wrote it). Bad input is answered as JSON-RPC asks and reported as a
 * {@link AgentMessage.Fault}; it never ends the connection. Only the end of the agent's output does.
 *
 * <p>The connection keeps one piece of ACP state: the permission requests not yet answered, because ACP
 * requires the client to answer them {@code cancelled} when it cancels the turn ({@link #cancel}).
 */
public final class AcpConnection implements AutoCloseable {

    /** Where the agent's messages go; called on the reader thread, so it must only hand them on. */
    @FunctionalInterface
    public interface Listener {
        void onMessage(AgentMessage message);
    }

    /** One JSON-RPC message may be large (a file's content), but not unbounded. */
    public static final int DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

    private record Unanswered(String sessionId, boolean permission) {}

    private record Outstanding<T>(String method, Class<T> resultType, CompletableFuture<T> future) {
        void complete(JsonNode result, ObjectMapper mapper) {
            try {
                future.complete(mapper.treeToValue(result, resultType));
            } catch (JsonProcessingException | IllegalArgumentException e) {
                future.completeExceptionally(
                        new AcpException(method + " answered a result kaged cannot read: " + e.getMessage()));
            }
        }
    }

    private final InputStream fromAgent;
    private final OutputStream toAgent;
    private final Executor reader;
    private final Listener listener;
    private final int maxLineBytes;
    private final JsonRpcCodec codec = new JsonRpcCodec();
    private final ObjectMapper mapper = AcpJson.mapper();
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<RequestId, Outstanding<?>> outstanding = new ConcurrentHashMap<>();
    /** The agent's requests not yet answered: each gets exactly one answer. */
    private final Map<RequestId, Unanswered> unanswered = new ConcurrentHashMap<>();

    private final AgentOutbox outbox;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    public AcpConnection(
            InputStream fromAgent,
            OutputStream toAgent,
            Executor reader,
            Executor writer,
            Listener listener,
            int maxLineBytes) {
        this.fromAgent = fromAgent;
        this.toAgent = toAgent;
        this.reader = reader;
        this.listener = listener;
        this.outbox = new AgentOutbox(toAgent, writer, this::writeFailed);
        this.maxLineBytes = maxLineBytes;
    }

    /** Starts reading the agent's output on the reader executor. */
    public AcpConnection start() {
        if (started.compareAndSet(false, true)) {
            reader.execute(this::readLoop);
        }
        return this;
    }

    public CompletableFuture<Acp.InitializeResponse> initialize(Acp.InitializeRequest request) {
        return request(Acp.INITIALIZE, request, Acp.InitializeResponse.class);
    }

    public CompletableFuture<Acp.NewSessionResponse> newSession(Acp.NewSessionRequest request) {
        return request(Acp.SESSION_NEW, request, Acp.NewSessionResponse.class);
    }

    /** The agent replays the conversation as session/update notifications before this completes. */
    public CompletableFuture<Acp.SessionRestored> loadSession(Acp.LoadSessionRequest request) {
        return request(Acp.SESSION_LOAD, request, Acp.SessionRestored.class);
    }

    public CompletableFuture<Acp.SessionRestored> resumeSession(Acp.ResumeSessionRequest request) {
        return request(Acp.SESSION_RESUME, request, Acp.SessionRestored.class);
    }

    /** Completes when the turn ends, with its stop reason. */
    public CompletableFuture<Acp.PromptResponse> prompt(Acp.PromptRequest request) {
        return request(Acp.SESSION_PROMPT, request, Acp.PromptResponse.class);
    }

    /**
     * Cancels the session's running turn: sends {@code session/cancel} and answers every permission request
     * of the session still pending {@code cancelled}, as ACP requires. Returns the ids so answered, for the
     * run to close their approvals.
     */
    public List<RequestId> cancel(String sessionId) {
        notify(Acp.SESSION_CANCEL, new Acp.CancelNotification(sessionId));
        List<RequestId> answered = new ArrayList<>();
        for (Map.Entry<RequestId, Unanswered> pending : List.copyOf(unanswered.entrySet())) {
            Unanswered request = pending.getValue();
            if (request.permission()
                    && sessionId.equals(request.sessionId())
                    && unanswered.remove(pending.getKey()) != null) {
                send(new JsonRpcMessage.Response(
                        pending.getKey(), mapper.valueToTree(ClientResponse.RequestPermission.cancelled())));
                answered.add(pending.getKey());
            }
        }
        return answered;
    }

    /** The permission requests not yet answered, with their session ids. */
    public Map<RequestId, String> pendingPermissions() {
        Map<RequestId, String> pending = new java.util.HashMap<>();
        unanswered.forEach((id, request) -> {
            if (request.permission()) {
                pending.put(id, request.sessionId());
            }
        });
        return Map.copyOf(pending);
    }

    /** Sends any request; the result is read as {@code resultType}. */
    public <T> CompletableFuture<T> request(String method, Object params, Class<T> resultType) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (closed.get()) {
            future.completeExceptionally(new AcpException("the connection to the agent is closed"));
            return future;
        }
        RequestId id = RequestId.of(nextId.getAndIncrement());
        outstanding.put(id, new Outstanding<>(method, resultType, future));
        if (closed.get() && outstanding.remove(id) != null) {
            // Closed between the check and the put: the close may have failed the others already.
            future.completeExceptionally(new AcpException("the connection to the agent is closed"));
            return future;
        }
        send(new JsonRpcMessage.Request(id, method, mapper.valueToTree(params)));
        return future;
    }

    public void notify(String method, Object params) {
        send(new JsonRpcMessage.Notification(method, mapper.valueToTree(params)));
    }

    /**
     * Answers one of the agent's requests. Returns false, sending nothing, when no such request is waiting:
     * already answered (a permission request answered by {@link #cancel}, typically) or never made.
     */
    public boolean respond(RequestId id, ClientResponse response) {
        if (!claim(id)) {
            return false;
        }
        send(new JsonRpcMessage.Response(id, mapper.valueToTree(response)));
        return true;
    }

    public boolean respondError(RequestId id, RpcError error) {
        if (!claim(id)) {
            return false;
        }
        send(new JsonRpcMessage.ErrorResponse(id, error));
        return true;
    }

    private boolean claim(RequestId id) {
        return unanswered.remove(id) != null;
    }

    /** Closes the agent's stdin (it sees EOF) and stops reading; outstanding requests fail. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeQuietly(toAgent);
            closeQuietly(fromAgent);
            failOutstanding("the connection to the agent was closed");
        }
    }

    private void readLoop() {
        ChunkJoiner joiner = new ChunkJoiner(this::deliver);
        StreamPacing pacing = new StreamPacing();
        LineReader lines = new LineReader(fromAgent, maxLineBytes, lastRead -> {
            joiner.flush(); // what was read goes to the run before a read that may wait for the agent
            pacing.beforeRead(lastRead);
        });
        String reason = "the agent closed its output";
        try {
            while (true) {
                LineReader.Result next = lines.next();
                if (next instanceof LineReader.Line line) {
                    AgentMessage.Update chunk = TextChunks.readLine(line.bytes(), line.length());
                    pacing.streamed(chunk != null);
                    if (chunk != null) {
                        // the common case, a piece of a streamed reply: no tree, no string of the line
                        joiner.add(chunk);
                        continue;
                    }
                    joiner.flush();
                    String text = line.text();
                    if (!text.isBlank()) {
                        dispatchSafely(text);
                    }
                } else if (next instanceof LineReader.TooLong tooLong) {
                    joiner.flush();
                    deliver(new AgentMessage.Fault(
                            FaultKind.OVERSIZED_LINE,
                            "a line of " + tooLong.bytes() + " bytes, over the bound of " + maxLineBytes,
                            ""));
                } else {
                    break;
                }
            }
        } catch (IOException e) {
            reason = closed.get() ? "the connection to the agent was closed" : "reading the agent failed: " + e;
        }
        joiner.flush();
        closed.set(true);
        closeQuietly(toAgent);
        failOutstanding(reason);
        deliver(new AgentMessage.Closed(reason));
    }

    /** One line the client cannot handle, for whatever reason, is reported; the next line is read. */
    private void dispatchSafely(String line) {
        try {
            dispatch(line);
        } catch (RuntimeException e) {
            deliver(new AgentMessage.Fault(
                    FaultKind.MALFORMED_LINE, "kaged could not handle the line: " + e, JsonRpcCodec.excerpt(line)));
        }
    }

    private void dispatch(String line) {
        JsonRpcCodec.Decoded decoded = codec.decode(line);
        if (decoded instanceof JsonRpcCodec.Malformed bad) {
            deliver(new AgentMessage.Fault(FaultKind.MALFORMED_LINE, bad.reason(), bad.excerpt()));
            return;
        }
        JsonRpcMessage message = ((JsonRpcCodec.Message) decoded).message();
        if (message instanceof JsonRpcMessage.Request request) {
            onRequest(request, line);
        } else if (message instanceof JsonRpcMessage.Notification notification) {
            onNotification(notification, line);
        } else if (message instanceof JsonRpcMessage.Response response) {
            Outstanding<?> waiting = outstanding.remove(response.id());
            if (waiting == null) {
                unmatched(response.id(), line);
            } else {
                waiting.complete(response.result(), mapper);
            }
        } else if (message instanceof JsonRpcMessage.ErrorResponse error) {
            Outstanding<?> waiting = outstanding.remove(error.id());
            if (waiting == null) {
                unmatched(error.id(), line);
            } else {
                waiting.future().completeExceptionally(new AcpException(waiting.method(), error.error()));
            }
        }
    }

    private void onRequest(JsonRpcMessage.Request request, String line) {
        Class<? extends AgentRequest> type = AgentRequest.paramsOf(request.method());
        if (type == null) {
            send(new JsonRpcMessage.ErrorResponse(
                    request.id(), RpcError.of(RpcError.METHOD_NOT_FOUND, "kaged does not serve " + request.method())));
            deliver(new AgentMessage.Fault(
                    FaultKind.UNKNOWN_METHOD, "a request for " + request.method(), JsonRpcCodec.excerpt(line)));
            return;
        }
        AgentRequest typed;
        String invalid;
        try {
            typed = mapper.treeToValue(request.params(), type);
            invalid = typed == null ? "no params" : AgentRequests.missingField(typed);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            typed = null;
            invalid = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        }
        if (invalid != null) {
            send(new JsonRpcMessage.ErrorResponse(
                    request.id(), RpcError.of(RpcError.INVALID_PARAMS, request.method() + ": " + invalid)));
            deliver(new AgentMessage.Fault(
                    FaultKind.INVALID_PARAMS, request.method() + ": " + invalid, JsonRpcCodec.excerpt(line)));
            return;
        }
        unanswered.put(
                request.id(), new Unanswered(typed.sessionId(), typed instanceof AgentRequest.RequestPermission));
        deliver(new AgentMessage.Request(request.id(), typed));
    }

    private void onNotification(JsonRpcMessage.Notification notification, String line) {
        switch (notification.method()) {
            case Acp.SESSION_UPDATE -> {
                TextChunks.Read chunk = TextChunks.read(notification.params().get("update"));
                JsonNode sessionId = notification.params().get("sessionId");
                if (chunk != null && sessionId != null && sessionId.isTextual()) {
                    deliver(new AgentMessage.Update(sessionId.textValue(), chunk.chunk()));
                    return;
                }
                try {
                    Acp.SessionNotification update =
                            mapper.treeToValue(notification.params(), Acp.SessionNotification.class);
                    if (update == null || update.update() == null || update.sessionId() == null) {
                        badNotification("a session/update without a sessionId or an update", line);
                    } else {
                        deliver(new AgentMessage.Update(update.sessionId(), update.update()));
                    }
                } catch (JsonProcessingException | IllegalArgumentException e) {
                    badNotification("a session/update kaged cannot read: " + e.getMessage(), line);
                }
            }
            case Acp.CANCEL_REQUEST -> {
                deliver(new AgentMessage.RequestWithdrawn(
                        RequestId.of(notification.params().path("requestId"))));
            }
            default -> badNotification("a notification kaged does not know: " + notification.method(), line);
        }
    }

    private void badNotification(String detail, String line) {
        deliver(new AgentMessage.Fault(FaultKind.BAD_NOTIFICATION, detail, JsonRpcCodec.excerpt(line)));
    }

    private void unmatched(RequestId id, String line) {
        deliver(new AgentMessage.Fault(
                FaultKind.UNMATCHED_RESPONSE,
                "a response to " + id + ", which kaged is not waiting for",
                JsonRpcCodec.excerpt(line)));
    }

    private void deliver(AgentMessage message) {
        try {
            listener.onMessage(message);
        } catch (RuntimeException e) {
            // The listener only hands messages on; one that throws must not stop the agent's output being read.
        }
    }

    private void send(JsonRpcMessage message) {
        if (!closed.get()) {
            outbox.add(codec.encode(message));
        }
    }

    private void writeFailed(IOException e) {
        if (!closed.get()) {
            deliver(new AgentMessage.Fault(FaultKind.WRITE_FAILED, "writing to the agent failed: " + e, ""));
            close();
        }
    }

    private void failOutstanding(String reason) {
        for (RequestId id : List.copyOf(outstanding.keySet())) {
            Outstanding<?> waiting = outstanding.remove(id);
            if (waiting != null) {
                waiting.future().completeExceptionally(new AcpException(waiting.method() + ": " + reason));
            }
        }
        unanswered.clear();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing a pipe the agent already closed has nothing left to report.
        }
    }
}
