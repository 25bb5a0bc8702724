package io.kaged.daemon.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An ACP agent for tests, run by a kaged run as a real separate process ({@link #command}). Each prompt's
 * text is its script for that turn: steps separated by {@code ;}, each a verb and its words:
 *
 * <ul>
 *   <li>{@code say TEXT}: the reply, streamed as two agent_message_chunk updates;
 *   <li>{@code think TEXT}: an agent_thought_chunk;
 *   <li>{@code stream N}: N agent_message_chunk updates as fast as it can, and on stderr how long that took;
 *   <li>{@code plan A,B}: a plan of those entries;
 *   <li>{@code ask KIND TARGET}: a tool call of that kind (edit and the like: TARGET is a path relative to the
 *       cwd; execute: TARGET is the command line), then session/request_permission with the four usual
 *       options; the call is then reported completed (allowed), failed (rejected), or the turn ends
 *       {@code cancelled} (the request was answered cancelled);
 *   <li>{@code asks N KIND TARGET}: N such requests in a row, and on stderr the latencies of their answers;
 *   <li>{@code askas ID KIND TARGET}: the same with tool call id ID (so a later process can ask again);
 *   <li>{@code write PATH TEXT}: fs/write_text_file, then says "wrote PATH" or "refused PATH";
 *   <li>{@code terminal [limit=N] [cwd=PATH] [kill|leave] SHELL COMMAND}: terminal/create of {@code sh -c
 *       COMMAND} (with that outputByteLimit and cwd, relative to the session's), then, with {@code kill},
 *       terminal/kill after 300 ms; then terminal/wait_for_exit, terminal/output and terminal/release, and says
 *       {@code terminal ID exit=CODE signal=SIGNAL truncated=BOOL status=CODE released=BOOL output=[TEXT]}, or
 *       {@code terminal refused: MESSAGE}; with {@code leave}, it says {@code terminal ID left running} at once. The
 *       command cannot hold {@code ;} (it separates steps): use {@code &&};
 *   <li>{@code garbage}: a line that is not JSON, a request for an unknown method, a response to nothing and
 *       a notification nobody knows;
 *   <li>{@code huge N}: a JSON line of N bytes;
 *   <li>{@code env VAR}: says {@code VAR=value} of its environment, and prints the same on stderr;
 *   <li>{@code sleep MS}; {@code crash}: exit 3 at once.
 * </ul>
 *
 * Flags: {@code --load} advertises loadSession and replays the session's updates (kept in a file of the cwd) on
 * session/load; {@code --resume} advertises session/resume; {@code --auth-required} refuses session/new.
 *
 * The stop reason is {@code end_turn} unless a permission was cancelled. Prints to stderr what it does, so
 * the run's stderr shows it.
 */
public final class TestAgent {

    private final ObjectMapper mapper = new ObjectMapper();
    private final io.kaged.daemon.demo.AgentChannel channel = new io.kaged.daemon.demo.AgentChannel(System.out, "a");
    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> flags;
    private String cwd = ".";

    private TestAgent(List<String> flags) {
        this.flags = flags;
    }

    /** The argv that runs this agent with the test's own classpath. */
    public static List<String> command(String... flags) {
        List<String> argv = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto",
                "-XX:TieredStopAtLevel=1",
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                TestAgent.class.getName()));
        argv.addAll(List.of(flags));
        return argv;
    }

    public static void main(String[] args) throws Exception {
        new TestAgent(List.of(args)).run();
    }

    private void run() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            JsonNode message = mapper.readTree(line);
            JsonNode id = message.get("id");
            String method = message.path("method").asText(null);
            if (channel.answered(message)) {
                continue;
            }
            JsonNode params = message.path("params");
            System.err.println("test agent: " + method);
            switch (method) {
                case "initialize" -> {
                    ObjectNode result = mapper.createObjectNode().put("protocolVersion", 1);
                    ObjectNode capabilities =
                            result.putObject("agentCapabilities").put("loadSession", flags.contains("--load"));
                    if (flags.contains("--resume")) {
                        capabilities.putObject("sessionCapabilities").putObject("resume");
                    }
                    result.putObject("agentInfo").put("name", "test-agent").put("version", "1.0");
                    ArrayNode auth = result.putArray("authMethods");
                    if (flags.contains("--auth-required")) {
                        auth.addObject().put("id", "test-login").put("name", "Log in to the test");
                    }
                    respond(id, result);
                }
                case "session/new" -> {
                    if (flags.contains("--auth-required")) {
                        send(mapper.createObjectNode()
                                .put("jsonrpc", "2.0")
                                .<ObjectNode>set("id", id)
                                .set(
                                        "error",
                                        mapper.createObjectNode()
                                                .put("code", -32000)
                                                .put("message", "Authentication required")));
                    } else {
                        cwd = params.path("cwd").asText(".");
                        respond(
                                id,
                                mapper.createObjectNode()
                                        .put(
                                                "sessionId",
                                                // not the pid: in a sandbox every agent is pid 2 of its own namespace
                                                "test-session-" + java.util.UUID.randomUUID()));
                    }
                }
                case "session/load" -> {
                    cwd = params.path("cwd").asText(".");
                    for (String old : history()) {
                        ObjectNode p = mapper.createObjectNode()
                                .put("sessionId", params.path("sessionId").asText());
                        p.set("update", mapper.readTree(old));
                        send(mapper.createObjectNode()
                                .put("jsonrpc", "2.0")
                                .put("method", "session/update")
                                .set("params", p));
                    }
                    respond(id, mapper.createObjectNode());
                }
                case "session/resume" -> {
                    cwd = params.path("cwd").asText(".");
                    respond(id, mapper.createObjectNode());
                }
                case "session/prompt" -> {
                    String session = params.path("sessionId").asText();
                    String script = params.path("prompt").path(0).path("text").asText("");
                    remember(chunk("user_message_chunk", script));
                    new Thread(() -> turn(id, session, script)).start();
                }
                case "session/cancel" -> {}
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

    private void turn(JsonNode id, String session, String script) {
        String stop = "end_turn";
        for (String step : script.split(";")) {
            String[] words = step.trim().split(" ", 2);
            String verb = words[0];
            String rest = words.length > 1 ? words[1] : "";
            switch (verb) {
                case "say" -> {
                    int half = rest.length() / 2;
                    update(session, chunk("agent_message_chunk", rest.substring(0, half)));
                    update(session, chunk("agent_message_chunk", rest.substring(half)));
                }
                case "think" -> update(session, chunk("agent_thought_chunk", rest));
                case "stream" -> {
                    long began = System.nanoTime();
                    int n = Integer.parseInt(rest.trim());
                    for (int i = 0; i < n; i++) {
                        update(session, chunk("agent_message_chunk", "chunk " + i + " "));
                    }
                    System.err.println("test agent: streamed " + n + " chunks in "
                            + (System.nanoTime() - began) / 1_000_000 + " ms");
                }
                case "plan" -> {
                    ObjectNode plan = mapper.createObjectNode().put("sessionUpdate", "plan");
                    ArrayNode entries = plan.putArray("entries");
                    for (String entry : rest.split(",")) {
                        entries.addObject()
                                .put("content", entry)
                                .put("priority", "medium")
                                .put("status", "pending");
                    }
                    update(session, plan);
                }
                case "ask" -> {
                    if (!ask(session, "call-" + calls.incrementAndGet(), rest)) {
                        stop = "cancelled";
                    }
                }
                case "asks" -> {
                    // N permission requests one after another; on stderr how long each took to be answered
                    String[] nt = rest.split(" ", 2);
                    int n = Integer.parseInt(nt[0]);
                    long[] micros = new long[n];
                    for (int i = 0; i < n; i++) {
                        long began = System.nanoTime();
                        ask(session, "call-" + calls.incrementAndGet(), nt.length > 1 ? nt[1] : "other x");
                        micros[i] = (System.nanoTime() - began) / 1000;
                    }
                    java.util.Arrays.sort(micros);
                    System.err.println(
                            "test agent: " + n + " permission round trips, p50 " + micros[n / 2] + " us, p99 "
                                    + micros[Math.min(n - 1, n * 99 / 100)] + " us, max " + micros[n - 1] + " us");
                }
                case "askas" -> {
                    String[] idRest = rest.split(" ", 2);
                    if (!ask(session, idRest[0], idRest.length > 1 ? idRest[1] : "")) {
                        stop = "cancelled";
                    }
                }
                case "write" -> {
                    String[] pw = rest.split(" ", 2);
                    ObjectNode params = mapper.createObjectNode()
                            .put("sessionId", session)
                            .put("path", Path.of(cwd).resolve(pw[0]).toString())
                            .put("content", pw.length > 1 ? pw[1] : "");
                    JsonNode answer = request("fs/write_text_file", params).join();
                    String said = answer.has("error") ? "refused " + pw[0] : "wrote " + pw[0];
                    update(session, chunk("agent_message_chunk", said));
                }
                case "terminal" -> update(session, chunk("agent_message_chunk", terminal(session, rest)));
                case "garbage" -> {
                    sendRaw("this is not json {");
                    sendRaw("{\"jsonrpc\":\"2.0\",\"id\":\"x1\",\"method\":\"unknown/thing\",\"params\":{}}");
                    sendRaw("{\"jsonrpc\":\"2.0\",\"id\":999999,\"result\":{}}");
                    sendRaw("{\"jsonrpc\":\"2.0\",\"method\":\"nobody/knows\",\"params\":{}}");
                }
                case "huge" ->
                    sendRaw("{\"jsonrpc\":\"2.0\",\"method\":\"session/update\",\"params\":{\"pad\":\""
                            + "x".repeat(Integer.parseInt(rest.trim())) + "\"}}");
                case "sleep" -> {
                    try {
                        Thread.sleep(Long.parseLong(rest.trim()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                case "env" -> {
                    String said = rest.trim() + "=" + System.getenv(rest.trim());
                    update(session, chunk("agent_message_chunk", said));
                    System.err.println("test agent: " + said);
                }
                case "crash" -> System.exit(3);
                default -> {}
            }
        }
        respond(id, mapper.createObjectNode().put("stopReason", stop));
    }

    /** A terminal's whole life, as an agent runs a command; what it saw, as a line to say. */
    private String terminal(String session, String rest) {
        String[] words = rest.split(" ");
        ObjectNode create = mapper.createObjectNode().put("sessionId", session).put("command", "sh");
        boolean kill = false;
        boolean leave = false;
        int i = 0;
        for (; i < words.length; i++) {
            if (words[i].startsWith("limit=")) {
                create.put("outputByteLimit", Long.parseLong(words[i].substring(6)));
            } else if (words[i].startsWith("cwd=")) {
                create.put("cwd", Path.of(cwd).resolve(words[i].substring(4)).toString());
            } else if (words[i].equals("kill")) {
                kill = true;
            } else if (words[i].equals("leave")) {
                leave = true;
            } else {
                break;
            }
        }
        create.putArray("args").add("-c").add(String.join(" ", List.of(words).subList(i, words.length)));
        create.putArray("env").addObject().put("name", "TEST_AGENT_TERMINAL").put("value", "yes");
        JsonNode created = request("terminal/create", create).join();
        if (created.has("error")) {
            return "terminal refused: " + created.path("error").path("message").asText();
        }
        String id = created.path("result").path("terminalId").asText();
        if (leave) {
            return "terminal " + id + " left running";
        }
        ObjectNode terminal =
                mapper.createObjectNode().put("sessionId", session).put("terminalId", id);
        if (kill) {
            sleep(300);
            request("terminal/kill", terminal).join();
        }
        JsonNode exit = request("terminal/wait_for_exit", terminal).join().path("result");
        JsonNode output = request("terminal/output", terminal).join().path("result");
        request("terminal/release", terminal).join();
        JsonNode afterRelease = request("terminal/output", terminal).join();
        System.err.println("test agent: terminal " + id + " exit " + exit + ", after release: " + afterRelease);
        return "terminal " + id + " exit=" + exit.path("exitCode").asText("none") + " signal="
                + exit.path("signal").asText("none") + " truncated="
                + output.path("truncated").asBoolean()
                + " status=" + output.path("exitStatus").path("exitCode").asText("none") + " released="
                + afterRelease.has("error") + " output=["
                + output.path("output").asText() + "]";
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A tool call and its permission request; false when the request was answered cancelled. */
    private boolean ask(String session, String callId, String rest) {
        String[] kt = rest.split(" ", 2);
        String kind = kt[0];
        String target = kt.length > 1 ? kt[1] : "";
        ObjectNode call = mapper.createObjectNode()
                .put("toolCallId", callId)
                .put("title", kind + " " + target)
                .put("kind", kind)
                .put("status", "pending");
        if (kind.equals("execute")) {
            call.putObject("rawInput").put("command", target);
        } else if (kind.equals("edit")) {
            // an edit shows what it would change, as agents send it: a diff of the file
            String path = Path.of(cwd).resolve(target).toString();
            call.putArray("content")
                    .addObject()
                    .put("type", "diff")
                    .put("path", path)
                    .put("oldText", "old line of " + target + "\n")
                    .put("newText", "new line of " + target + "\n");
            call.putArray("locations").addObject().put("path", path);
        } else {
            call.putArray("locations")
                    .addObject()
                    .put("path", Path.of(cwd).resolve(target).toString());
        }
        update(session, call.deepCopy().put("sessionUpdate", "tool_call"));
        ObjectNode ask = mapper.createObjectNode().put("sessionId", session);
        ask.set("toolCall", call);
        ArrayNode options = ask.putArray("options");
        for (String option : List.of("allow_once", "allow_always", "reject_once", "reject_always")) {
            options.addObject()
                    .put("optionId", option)
                    .put("name", option.replace('_', ' '))
                    .put("kind", option);
        }
        JsonNode outcome =
                request("session/request_permission", ask).join().path("result").path("outcome");
        if ("cancelled".equals(outcome.path("outcome").asText())) {
            return false;
        }
        boolean allowed = outcome.path("optionId").asText().startsWith("allow");
        update(
                session,
                mapper.createObjectNode()
                        .put("sessionUpdate", "tool_call_update")
                        .put("toolCallId", callId)
                        .put("status", allowed ? "completed" : "failed"));
        return true;
    }

    private ObjectNode chunk(String kind, String text) {
        return channel.chunk(kind, text);
    }

    /** What a session/load replays: every update of the session so far, kept in a file of the cwd. */
    private List<String> history() throws java.io.IOException {
        Path file = Path.of(cwd).resolve(".test-agent-history.jsonl");
        return java.nio.file.Files.exists(file) ? java.nio.file.Files.readAllLines(file) : List.of();
    }

    private synchronized void remember(JsonNode update) {
        if (!flags.contains("--load")) {
            return;
        }
        try {
            java.nio.file.Files.writeString(
                    Path.of(cwd).resolve(".test-agent-history.jsonl"),
                    update.toString() + "\n",
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void update(String session, ObjectNode update) {
        remember(update);
        channel.update(session, update);
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

    private void sendRaw(String line) {
        channel.sendRaw(line);
    }
}
