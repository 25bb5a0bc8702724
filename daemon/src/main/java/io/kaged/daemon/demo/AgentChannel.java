package io.kaged.daemon.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's side of an ACP connection: JSON-RPC 2.0 lines written to the client, and the client's answers
 * matched to the requests that wait for them. kaged's demo agent speaks through it, and so do the agents of the
 * tests and of the benchmarks, so that what they send is written one way.
 */
public final class AgentChannel {

    private final ObjectMapper json = new ObjectMapper();
    private final PrintStream out;
    private final String idPrefix;
    private final Map<String, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);

    /** @param idPrefix starts the ids of this agent's requests, so that a transcript tells whose they are */
    public AgentChannel(OutputStream out, String idPrefix) {
        this.out = new PrintStream(out, false, StandardCharsets.UTF_8);
        this.idPrefix = idPrefix;
    }

    public ObjectMapper json() {
        return json;
    }

    /** If {@code message} answers one of this agent's requests, completes it and says true. */
    public boolean answered(JsonNode message) {
        if (message.has("method")) {
            return false;
        }
        JsonNode id = message.get("id");
        CompletableFuture<JsonNode> answer = id == null ? null : waiting.remove(id.asText());
        if (answer != null) {
            answer.complete(message);
        }
        return true;
    }

    /** Sends a request to the client; its answer (a result or an error), once it comes. */
    public CompletableFuture<JsonNode> request(String method, JsonNode params) {
        String id = idPrefix + nextId.getAndIncrement();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        send(json.createObjectNode()
                .put("jsonrpc", "2.0")
                .put("id", id)
                .put("method", method)
                .set("params", params));
        return answer;
    }

    public void respond(JsonNode id, JsonNode result) {
        send(json.createObjectNode()
                .put("jsonrpc", "2.0")
                .<ObjectNode>set("id", id)
                .set("result", result));
    }

    public void error(JsonNode id, int code, String message) {
        ObjectNode error = json.createObjectNode().put("code", code).put("message", message);
        send(json.createObjectNode()
                .put("jsonrpc", "2.0")
                .<ObjectNode>set("id", id)
                .set("error", error));
    }

    /** A {@code session/update} notification of {@code session}. */
    public void update(String session, ObjectNode update) {
        ObjectNode params = json.createObjectNode().put("sessionId", session);
        params.set("update", update);
        send(json.createObjectNode()
                .put("jsonrpc", "2.0")
                .put("method", "session/update")
                .set("params", params));
    }

    /** A text chunk update of {@code kind} (agent_message_chunk, agent_thought_chunk, user_message_chunk). */
    public ObjectNode chunk(String kind, String text) {
        ObjectNode update = json.createObjectNode().put("sessionUpdate", kind);
        update.putObject("content").put("type", "text").put("text", text);
        return update;
    }

    public void send(JsonNode message) {
        sendRaw(message.toString());
    }

    /** One line as given, for the tests that send what a well-behaved agent would not. */
    public synchronized void sendRaw(String line) {
        out.print(line);
        out.print('\n');
        out.flush();
    }
}
