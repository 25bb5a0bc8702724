package io.kaged.daemon.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small ACP agent shipped with kaged ({@code kaged agent start --demo}), so that an operator can try ACP runs,
 * approvals and resume without an API key or an agent installed. Each prompt gets a streamed answer, then an
 * edit of {@code kaged-demo.txt} in its folder that needs a permission, written through kaged's
 * {@code fs/write_text_file} once allowed. It advertises {@code loadSession}: what it said is kept in
 * {@code .kaged-demo/SESSION.jsonl} of its folder and replayed by {@code session/load}, so a conversation
 * carries on after the daemon (and the agent with it) was killed.
 *
 * <p>It speaks JSON-RPC lines on stdin and stdout and nothing else there: no logging, which would corrupt the
 * channel.
 */
public final class DemoAgent {

    static final String NOTES = "kaged-demo.txt";
    static final String MEMORY = ".kaged-demo";

    private final AgentChannel channel;
    private final ObjectMapper json;
    /** One turn at a time, off the reading thread, which must go on reading the answers the turn waits for. */
    private final ExecutorService turns = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "demo-turn");
        t.setDaemon(true);
        return t;
    });

    private Path cwd = Path.of("").toAbsolutePath();
    private volatile boolean cancelled;

    DemoAgent(OutputStream out) {
        this.channel = new AgentChannel(out, "demo-");
        this.json = channel.json();
    }

    /**
     * The command that starts it: this JVM's java and class path (made absolute, since the agent runs in its
     * own folder), with flags for a small, quickly started JVM.
     */
    public static List<String> command() {
        String classPath = java.util.Arrays.stream(
                        System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.isEmpty())
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        return List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xss512k",
                "-Xmx32m",
                "-cp",
                classPath,
                DemoAgent.class.getName());
    }

    public static void main(String[] args) throws IOException {
        PrintStream stdout = System.out;
        System.setOut(System.err); // whatever else prints must not reach the channel
        new DemoAgent(stdout).serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    }

    void serve(BufferedReader in) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            JsonNode message;
            try {
                message = json.readTree(line);
            } catch (IOException e) {
                continue; // not for a demo to argue about
            }
            if (!channel.answered(message)) {
                handle(message.path("method").asText(), message.get("id"), message.path("params"));
            }
        }
    }

    private void handle(String method, JsonNode id, JsonNode params) throws IOException {
        switch (method) {
            case "initialize" -> {
                ObjectNode result = json.createObjectNode().put("protocolVersion", 1);
                result.putObject("agentCapabilities").put("loadSession", true);
                result.putObject("agentInfo")
                        .put("name", "kaged-demo")
                        .put("title", "kaged's demo agent")
                        .put("version", "1");
                result.putArray("authMethods");
                respond(id, result);
            }
            case "session/new" -> {
                cwd = Path.of(params.path("cwd").asText(cwd.toString()));
                respond(id, json.createObjectNode().put("sessionId", "demo-" + UUID.randomUUID()));
            }
            case "session/load" -> {
                cwd = Path.of(params.path("cwd").asText(cwd.toString()));
                String session = params.path("sessionId").asText();
                for (String old : memory(session)) {
                    notify(session, (ObjectNode) json.readTree(old), false);
                }
                respond(id, json.createObjectNode());
            }
            case "session/prompt" -> {
                String session = params.path("sessionId").asText();
                StringBuilder text = new StringBuilder();
                params.path("prompt")
                        .forEach(block -> text.append(block.path("text").asText("")));
                cancelled = false;
                turns.execute(() -> turn(id, session, text.toString().strip()));
            }
            case "session/cancel" -> cancelled = true;
            default -> {
                if (id != null) {
                    channel.error(id, -32601, "the demo agent has no " + method);
                }
            }
        }
    }

    /** One turn: the answer streamed, then the note, as far as the operator allows. */
    private void turn(JsonNode id, String session, String prompt) {
        remember(session, chunk("user_message_chunk", prompt));
        notify(session, chunk("agent_thought_chunk", "The operator wrote " + prompt.length() + " characters."), true);
        for (String part : List.of("You said: ", "\u201c" + prompt + "\u201d. ", "I will note it in ", NOTES + ".")) {
            if (cancelled) {
                respond(id, json.createObjectNode().put("stopReason", "cancelled"));
                return;
            }
            notify(session, chunk("agent_message_chunk", part), true);
            pause();
        }
        String stop = note(session, prompt);
        respond(id, json.createObjectNode().put("stopReason", stop));
    }

    /** The edit that needs a permission; the turn's stop reason. */
    private String note(String session, String prompt) {
        Path file = cwd.resolve(NOTES);
        JsonNode read = request(
                "fs/read_text_file",
                json.createObjectNode().put("sessionId", session).put("path", file.toString()));
        String before = read.path("result").path("content").asText("");
        String after = before + prompt + "\n";
        String callId = "note-" + UUID.randomUUID();
        ObjectNode call = json.createObjectNode()
                .put("toolCallId", callId)
                .put("title", "Add the prompt to " + NOTES)
                .put("kind", "edit")
                .put("status", "pending");
        call.putArray("content")
                .addObject()
                .put("type", "diff")
                .put("path", file.toString())
                .put("oldText", before)
                .put("newText", after);
        call.putArray("locations").addObject().put("path", file.toString());
        notify(session, call.deepCopy().put("sessionUpdate", "tool_call"), true);

        ObjectNode ask = json.createObjectNode().put("sessionId", session);
        ask.set("toolCall", call);
        ArrayNode options = ask.putArray("options");
        for (String kind : List.of("allow_once", "allow_always", "reject_once", "reject_always")) {
            options.addObject()
                    .put("optionId", kind)
                    .put("name", kind.replace('_', ' '))
                    .put("kind", kind);
        }
        JsonNode outcome =
                request("session/request_permission", ask).path("result").path("outcome");
        if (!"selected".equals(outcome.path("outcome").asText())) {
            update(session, callId, "failed");
            return "cancelled";
        }
        if (!outcome.path("optionId").asText().startsWith("allow")) {
            update(session, callId, "failed");
            notify(session, chunk("agent_message_chunk", "Left " + NOTES + " as it was."), true);
            return "end_turn";
        }
        JsonNode wrote = request(
                "fs/write_text_file",
                json.createObjectNode()
                        .put("sessionId", session)
                        .put("path", file.toString())
                        .put("content", after));
        boolean ok = !wrote.has("error");
        update(session, callId, ok ? "completed" : "failed");
        notify(
                session,
                chunk(
                        "agent_message_chunk",
                        ok
                                ? "Noted."
                                : "kaged refused the write: "
                                        + wrote.path("error").path("message").asText()),
                true);
        return "end_turn";
    }

    private void update(String session, String callId, String status) {
        notify(
                session,
                json.createObjectNode()
                        .put("sessionUpdate", "tool_call_update")
                        .put("toolCallId", callId)
                        .put("status", status),
                true);
    }

    private ObjectNode chunk(String kind, String text) {
        return channel.chunk(kind, text);
    }

    private void notify(String session, ObjectNode update, boolean remember) {
        if (remember) {
            remember(session, update);
        }
        channel.update(session, update);
    }

    /** A request to kaged and its answer (a result or an error), waited for on the turn's thread. */
    private JsonNode request(String method, ObjectNode params) {
        return channel.request(method, params).join();
    }

    private void respond(JsonNode id, JsonNode result) {
        channel.respond(id, result);
    }

    private List<String> memory(String session) throws IOException {
        Path file = memoryFile(session);
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    private void remember(String session, JsonNode update) {
        try {
            Path file = memoryFile(session);
            Files.createDirectories(file.getParent());
            Files.writeString(
                    file, update + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // without its memory the demo still talks; only a later session/load replays less
        }
    }

    private Path memoryFile(String session) {
        return cwd.resolve(MEMORY).resolve(session.replaceAll("[^A-Za-z0-9-]", "_") + ".jsonl");
    }

    /** Streamed, as a real agent's answer is, so that attach shows it arrive. */
    private static void pause() {
        try {
            Thread.sleep(120);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
