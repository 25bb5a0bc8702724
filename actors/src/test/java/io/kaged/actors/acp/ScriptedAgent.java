package io.kaged.actors.acp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny ACP agent for tests, run as a real child process: {@code java -cp <test classpath>
 * io.kaged.actors.acp.ScriptedAgent [flags]}. It answers initialize and session/new, and for each prompt
 * thinks, streams a two-chunk reply, announces an edit tool call, asks permission for it, reports the tool
 * call done or failed by the answer, and ends the turn ({@code cancelled} when the permission was answered
 * so). Flags script the misbehaviour a test needs:
 *
 * <ul>
 *   <li>{@code --garbage}: before answering initialize, write a line that is not JSON, a request for a method
 *       the client does not serve, and a response to nothing;
 *   <li>{@code --huge=N}: before the first update of a prompt, write a JSON line of N bytes;
 *   <li>{@code --no-load}: do not advertise {@code loadSession};
 *   <li>{@code --crash-on-prompt}: exit with status 3 when a prompt arrives.
 * </ul>
 */
public final class ScriptedAgent {

    private final ObjectMapper mapper = new ObjectMapper();
    private final PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    private final Map<String, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(100);
    private final List<String> flags;

    private ScriptedAgent(List<String> flags) {
        this.flags = flags;
    }

    public static void main(String[] args) throws Exception {
        new ScriptedAgent(List.of(args)).run();
    }

    private void run() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            JsonNode message = mapper.readTree(line);
            JsonNode id = message.get("id");
            String method = message.path("method").asText(null);
            if (method == null) {
                CompletableFuture<JsonNode> answer = waiting.remove(id.asText());
                if (answer != null) {
                    answer.complete(message);
                }
                continue;
            }
            JsonNode params = message.path("params");
            switch (method) {
                case "initialize" -> initialize(id);
                case "session/new" -> respond(id, mapper.createObjectNode().put("sessionId", "sess-1"));
                case "session/load" -> load(id, params);
                case "session/prompt" -> {
                    if (flags.contains("--crash-on-prompt")) {
                        System.exit(3);
                    }
                    // A turn waits for permission answers while this loop keeps reading.
                    Thread turn =
                            new Thread(() -> prompt(id, params.path("sessionId").asText()));
                    turn.start();
                }
                case "session/cancel" -> {
                    // The client answers pending permission requests "cancelled"; the turn ends on that.
                }
                default -> {
                    if (id != null) {
                        send(mapper.createObjectNode()
                                .put("jsonrpc", "2.0")
                                .<ObjectNode>set("id", id)
                                .set(
                                        "error",
                                        mapper.createObjectNode()
                                                .put("code", -32601)
                                                .put("message", "no " + method)));
                    }
                }
            }
        }
    }

    private void initialize(JsonNode id) {
        if (flags.contains("--garbage")) {
            sendRaw("this is not json {");
            sendRaw("{\"jsonrpc\":\"2.0\",\"id\":\"x1\",\"method\":\"unknown/thing\",\"params\":{}}");
            sendRaw("{\"jsonrpc\":\"2.0\",\"id\":999999,\"result\":{}}");
        }
        ObjectNode result = mapper.createObjectNode().put("protocolVersion", 1);
        result.putObject("agentCapabilities").put("loadSession", !flags.contains("--no-load"));
        result.putObject("agentInfo").put("name", "scripted-agent").put("version", "1.0");
        result.putArray("authMethods");
        respond(id, result);
    }

    private void load(JsonNode id, JsonNode params) {
        String session = params.path("sessionId").asText();
        update(session, chunk("user_message_chunk", "earlier question"));
        update(session, chunk("agent_message_chunk", "earlier answer"));
        respond(id, mapper.createObjectNode());
    }

    private void prompt(JsonNode id, String session) {
        flags.stream().filter(f -> f.startsWith("--huge=")).findFirst().ifPresent(f -> {
            int size = Integer.parseInt(f.substring("--huge=".length()));
            sendRaw("{\"jsonrpc\":\"2.0\",\"method\":\"session/update\",\"params\":{\"pad\":\"" + "x".repeat(size)
                    + "\"}}");
        });
        update(session, chunk("agent_thought_chunk", "Thinking"));
        update(session, chunk("agent_message_chunk", "Hello"));
        update(session, chunk("agent_message_chunk", ", world"));
        ObjectNode call = mapper.createObjectNode()
                .put("sessionUpdate", "tool_call")
                .put("toolCallId", "t1")
                .put("title", "Edit src/a.txt")
                .put("kind", "edit")
                .put("status", "pending");
        call.putArray("locations").addObject().put("path", "/work/src/a.txt");
        update(session, call);

        ObjectNode ask = mapper.createObjectNode().put("sessionId", session);
        ask.putObject("toolCall")
                .put("toolCallId", "t1")
                .put("title", "Edit src/a.txt")
                .put("kind", "edit");
        ArrayNode options = ask.putArray("options");
        for (String kind : List.of("allow_once", "allow_always", "reject_once", "reject_always")) {
            options.addObject().put("optionId", "opt-" + kind).put("name", kind).put("kind", kind);
        }
        JsonNode answer = request("session/request_permission", ask).join();
        JsonNode outcome = answer.path("result").path("outcome");
        String stop;
        if ("cancelled".equals(outcome.path("outcome").asText())) {
            stop = "cancelled";
        } else {
            boolean allowed = outcome.path("optionId").asText().startsWith("opt-allow");
            update(
                    session,
                    mapper.createObjectNode()
                            .put("sessionUpdate", "tool_call_update")
                            .put("toolCallId", "t1")
                            .put("status", allowed ? "completed" : "failed"));
            stop = "end_turn";
        }
        respond(id, mapper.createObjectNode().put("stopReason", stop));
    }

    private ObjectNode chunk(String kind, String text) {
        ObjectNode update = mapper.createObjectNode().put("sessionUpdate", kind);
        update.putObject("content").put("type", "text").put("text", text);
        return update;
    }

    private void update(String session, ObjectNode update) {
        ObjectNode params = mapper.createObjectNode().put("sessionId", session);
        params.set("update", update);
        send(mapper.createObjectNode()
                .put("jsonrpc", "2.0")
                .put("method", "session/update")
                .set("params", params));
    }

    private CompletableFuture<JsonNode> request(String method, JsonNode params) {
        String id = "a" + nextId.getAndIncrement();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        send(mapper.createObjectNode()
                .put("jsonrpc", "2.0")
                .put("id", id)
                .put("method", method)
                .set("params", params));
        return answer;
    }

    private void respond(JsonNode id, JsonNode result) {
        send(mapper.createObjectNode()
                .put("jsonrpc", "2.0")
                .<ObjectNode>set("id", id)
                .set("result", result));
    }

    private void send(JsonNode message) {
        sendRaw(message.toString());
    }

    private synchronized void sendRaw(String line) {
        out.print(line);
        out.print('\n');
        out.flush();
    }
}
