package io.kaged.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kaged.daemon.demo.AgentChannel;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;

/**
 * The agent of {@link AgentBench}: just enough ACP on stdio for a benchmark (initialize, session/new,
 * session/prompt, session/update, session/request_permission). The bench module cannot use the daemon's
 * test agent, so this is its own. A prompt's text is its script:
 *
 * <ul>
 *   <li>{@code stream N}: N agent_message_chunk updates as fast as stdout takes them; then a thought
 *       {@code streamed N in NANOS from MICROS}, MICROS being when the first was written (since the epoch);
 *   <li>{@code asks K}: K edit tool calls, each with a permission request, one after another; then a thought
 *       {@code asks MICROS,MICROS,...}: each request's time from being written to its answer being read.
 * </ul>
 *
 * With {@code --null N ROUNDS} it runs no protocol: it writes the same N update lines to /dev/null through the
 * same code, ROUNDS times, and prints each round's nanoseconds on stdout (the baseline of the ratio). With
 * {@code --pipe N ROUNDS} it writes them to stdout instead, a pipe the bench only drains, and prints the
 * nanoseconds on stderr: the most a pipe lets the agent write, whatever reads it.
 */
public final class BenchAgent {

    private static final String SESSION = "bench-session";

    private final ObjectMapper mapper = new ObjectMapper();
    private int calls;
    /** When the last stream began, in microseconds since the epoch. */
    private long streamBegan;

    private final AgentChannel channel;

    private BenchAgent(OutputStream sink) {
        this.channel = new AgentChannel(sink, "b");
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("--null")) {
            int n = Integer.parseInt(args[1]);
            int rounds = Integer.parseInt(args[2]);
            try (FileOutputStream devNull = new FileOutputStream("/dev/null")) {
                BenchAgent agent = new BenchAgent(devNull);
                for (int r = 0; r < rounds; r++) {
                    System.out.println(agent.stream(n));
                }
            }
            return;
        }
        if (args.length == 3 && args[0].equals("--pipe")) {
            int n = Integer.parseInt(args[1]);
            int rounds = Integer.parseInt(args[2]);
            BenchAgent agent = new BenchAgent(System.out);
            for (int r = 0; r < rounds; r++) {
                System.err.println(agent.stream(n));
            }
            System.out.flush();
            return;
        }
        new BenchAgent(System.out).serve();
    }

    private void serve() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            JsonNode message = mapper.readTree(line);
            JsonNode id = message.get("id");
            String method = message.path("method").asText(null);
            if (channel.answered(message)) {
                continue;
            }
            switch (method) {
                case "initialize" -> {
                    ObjectNode result = mapper.createObjectNode().put("protocolVersion", 1);
                    result.putObject("agentCapabilities").put("loadSession", false);
                    result.putObject("agentInfo")
                            .put("name", "kaged-bench-agent")
                            .put("version", "1");
                    result.putArray("authMethods");
                    respond(id, result);
                }
                case "session/new" -> respond(id, mapper.createObjectNode().put("sessionId", SESSION));
                case "session/prompt" -> {
                    String script = message.path("params")
                            .path("prompt")
                            .path(0)
                            .path("text")
                            .asText("");
                    // the reader must keep reading: permission answers arrive while the turn runs
                    new Thread(() -> turn(id, script)).start();
                }
                default -> {
                    if (id != null) {
                        ObjectNode error =
                                mapper.createObjectNode().put("code", -32601).put("message", "no " + method);
                        send(mapper.createObjectNode()
                                .put("jsonrpc", "2.0")
                                .<ObjectNode>set("id", id)
                                .set("error", error));
                    }
                }
            }
        }
    }

    private void turn(JsonNode id, String script) {
        String[] words = script.trim().split(" ");
        int n = Integer.parseInt(words[1]);
        String report =
                switch (words[0]) {
                    case "stream" -> "streamed " + n + " in " + stream(n) + " from " + streamBegan;
                    case "asks" -> "asks " + asks(n);
                    default -> "unknown script " + script;
                };
        update(chunk("agent_thought_chunk", report));
        respond(id, mapper.createObjectNode().put("stopReason", "end_turn"));
    }

    /**
     * Writes N message chunks; the nanoseconds it took. When it began is kept in {@link #streamBegan}, in
     * microseconds since the epoch: the bench times the journal's side of a turn from there, on the same clock.
     */
    private long stream(int n) {
        streamBegan = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        long began = System.nanoTime();
        for (int i = 0; i < n; i++) {
            update(chunk("agent_message_chunk", "chunk " + i + " "));
        }
        return System.nanoTime() - began;
    }

    /** K permission requests in a row; their round trips in microseconds, comma-separated. */
    private String asks(int k) {
        long[] micros = new long[k];
        for (int i = 0; i < k; i++) {
            String callId = "call-" + calls++; // unique across turns: a repeated id would update an earlier call
            ObjectNode call = mapper.createObjectNode()
                    .put("toolCallId", callId)
                    .put("title", "edit src/a.txt")
                    .put("kind", "edit")
                    .put("status", "pending");
            call.putArray("locations").addObject().put("path", "src/a.txt");
            update(call.deepCopy().put("sessionUpdate", "tool_call"));
            ObjectNode ask = mapper.createObjectNode().put("sessionId", SESSION);
            ask.set("toolCall", call);
            var options = ask.putArray("options");
            for (String option : new String[] {"allow_once", "reject_once"}) {
                options.addObject().put("optionId", option).put("name", option).put("kind", option);
            }
            long t0 = System.nanoTime();
            JsonNode answer = request("session/request_permission", ask).join();
            micros[i] = (System.nanoTime() - t0) / 1000;
            String option =
                    answer.path("result").path("outcome").path("optionId").asText();
            update(mapper.createObjectNode()
                    .put("sessionUpdate", "tool_call_update")
                    .put("toolCallId", callId)
                    .put("status", option.startsWith("allow") ? "completed" : "failed"));
        }
        StringJoiner all = new StringJoiner(",");
        Arrays.stream(micros).forEach(m -> all.add(Long.toString(m)));
        return all.toString();
    }

    private ObjectNode chunk(String kind, String text) {
        return channel.chunk(kind, text);
    }

    private void update(ObjectNode update) {
        channel.update(SESSION, update);
    }

    private CompletableFuture<JsonNode> request(String method, JsonNode params) {
        return channel.request(method, params);
    }

    private void respond(JsonNode id, JsonNode result) {
        channel.respond(id, result);
    }

    private void send(JsonNode message) {
        channel.send(message);
    }
}
