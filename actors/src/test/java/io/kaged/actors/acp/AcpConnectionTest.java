package io.kaged.actors.acp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link AcpConnection} over in-memory pipes, the test playing the agent line by line. */
class AcpConnectionTest {

    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final LinkedBlockingQueue<AgentMessage> received = new LinkedBlockingQueue<>();
    private PrintStream agentOut;
    private BufferedReader agentIn;
    private AcpConnection connection;

    @BeforeEach
    void setUp() throws Exception {
        PipedInputStream fromAgent = new PipedInputStream(1 << 20);
        agentOut = new PrintStream(new PipedOutputStream(fromAgent), true, StandardCharsets.UTF_8);
        PipedInputStream toAgentIn = new PipedInputStream(1 << 20);
        agentIn = new BufferedReader(new InputStreamReader(toAgentIn, StandardCharsets.UTF_8));
        connection = new AcpConnection(
                        fromAgent, new PipedOutputStream(toAgentIn), executor, executor, received::add, 4096)
                .start();
    }

    @AfterEach
    void tearDown() {
        connection.close();
        executor.shutdownNow();
    }

    private AgentMessage next() throws InterruptedException {
        AgentMessage m = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(m, "nothing delivered");
        return m;
    }

    private JsonNode sent() throws Exception {
        return AcpJson.mapper().readTree(agentIn.readLine());
    }

    @Test
    void deliversTypedUpdates() throws Exception {
        agentOut.println(
                "{\"jsonrpc\":\"2.0\",\"method\":\"session/update\",\"params\":{\"sessionId\":\"s\","
                        + "\"update\":{\"sessionUpdate\":\"agent_message_chunk\",\"content\":{\"type\":\"text\",\"text\":\"hi\"}}}}");
        AgentMessage m = next();
        AgentMessage.Update update = assertInstanceOf(AgentMessage.Update.class, m, m.toString());
        assertEquals(new SessionUpdate.AgentMessageChunk(new ContentBlock.Text("hi"), null), update.update());
    }

    @Test
    void aBurstOfChunksArrivesJoinedInOrderAroundWhatIsNotAChunk() throws Exception {
        StringBuilder burst = new StringBuilder();
        for (String text : List.of("a ", "b ", "c ")) {
            burst.append(chunkLine(text)).append('\n');
        }
        burst.append("{\"jsonrpc\":\"2.0\",\"method\":\"session/update\",\"params\":{\"sessionId\":\"s\","
                + "\"update\":{\"sessionUpdate\":\"current_mode_update\",\"currentModeId\":\"code\"}}}\n");
        burst.append(chunkLine("d ")).append('\n').append(chunkLine("e ")).append('\n');
        agentOut.print(burst); // one write: the reader takes the burst with one read
        agentOut.flush();
        List<String> got = new ArrayList<>();
        int lines = 0;
        while (lines < 6) {
            AgentMessage.Update u = assertInstanceOf(AgentMessage.Update.class, next());
            lines += u.lines();
            got.add(
                    u.update() instanceof SessionUpdate.Chunk c
                            ? ((ContentBlock.Text) c.content()).text() + "/" + u.lines()
                            : u.update().getClass().getSimpleName());
        }
        assertEquals(List.of("a b c /3", "CurrentModeUpdate", "d e /2"), got);
    }

    private static String chunkLine(String text) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"session/update\",\"params\":{\"sessionId\":\"s\","
                + "\"update\":{\"sessionUpdate\":\"agent_message_chunk\",\"content\":{\"type\":\"text\",\"text\":\""
                + text + "\"}}}}";
    }

    @Test
    void correlatesAnswersByIdWhateverTheirOrder() throws Exception {
        CompletableFuture<Acp.NewSessionResponse> first = connection.newSession(Acp.NewSessionRequest.in("/a"));
        CompletableFuture<Acp.PromptResponse> second = connection.prompt(Acp.PromptRequest.text("s", "x"));
        JsonNode one = sent();
        JsonNode two = sent();
        assertEquals("session/new", one.get("method").asText());
        assertEquals("/a", one.at("/params/cwd").asText());
        agentOut.println("{\"jsonrpc\":\"2.0\",\"id\":" + two.get("id") + ",\"result\":{\"stopReason\":\"refusal\"}}");
        agentOut.println("{\"jsonrpc\":\"2.0\",\"id\":" + one.get("id")
                + ",\"error\":{\"code\":-32000,\"message\":\"Authentication required\"}}");
        assertEquals(StopReason.REFUSAL, second.get(10, TimeUnit.SECONDS).stopReason());
        ExecutionException e = assertThrows(ExecutionException.class, () -> first.get(10, TimeUnit.SECONDS));
        AcpException refusal = assertInstanceOf(AcpException.class, e.getCause());
        assertTrue(refusal.error().authRequired());
        assertEquals("session/new failed: Authentication required (-32000)", refusal.getMessage());
    }

    @Test
    void answersUnknownMethodsAndBadParamsAsJsonRpcAsksAndReportsThem() throws Exception {
        agentOut.println("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"magic/wand\",\"params\":{}}");
        assertEquals(AgentMessage.FaultKind.UNKNOWN_METHOD, ((AgentMessage.Fault) next()).kind());
        JsonNode answer = sent();
        assertEquals(5, answer.get("id").asInt());
        assertEquals(RpcError.METHOD_NOT_FOUND, answer.at("/error/code").asInt());

        agentOut.println(
                "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"fs/read_text_file\",\"params\":{\"sessionId\":\"s\"}}");
        AgentMessage.Fault bad = (AgentMessage.Fault) next();
        assertEquals(AgentMessage.FaultKind.INVALID_PARAMS, bad.kind());
        assertEquals("fs/read_text_file: path is missing", bad.detail());
        assertEquals(RpcError.INVALID_PARAMS, sent().at("/error/code").asInt());

        agentOut.println(
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"fs/read_text_file\",\"params\":{\"sessionId\":\"s\","
                        + "\"path\":\"/w/a\",\"line\":\"many\"}}");
        assertEquals(AgentMessage.FaultKind.INVALID_PARAMS, ((AgentMessage.Fault) next()).kind());
        sent();
    }

    @Test
    void badLinesAndOversizedLinesAreFaultsAndReadingGoesOn() throws Exception {
        agentOut.println("{not json");
        agentOut.println(
                "{\"jsonrpc\":\"2.0\",\"method\":\"session/update\",\"params\":{\"update\":{\"sessionUpdate\":3}}}");
        agentOut.println("{\"jsonrpc\":\"2.0\",\"method\":\"session/update\",\"params\":{\"sessionId\":\"s\"}}");
        agentOut.println("{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"pad\":\"" + "y".repeat(10_000) + "\"}");
        agentOut.println("{\"jsonrpc\":\"2.0\",\"id\":42,\"result\":{}}");
        agentOut.println("{\"jsonrpc\":\"2.0\",\"id\":\"r1\",\"method\":\"fs/write_text_file\",\"params\":"
                + "{\"sessionId\":\"s\",\"path\":\"/w/a\",\"content\":\"x\"}}");
        assertEquals(AgentMessage.FaultKind.MALFORMED_LINE, ((AgentMessage.Fault) next()).kind());
        AgentMessage second = next();
        assertInstanceOf(AgentMessage.Fault.class, second, second.toString());
        assertEquals(AgentMessage.FaultKind.BAD_NOTIFICATION, ((AgentMessage.Fault) next()).kind());
        AgentMessage.Fault huge = (AgentMessage.Fault) next();
        assertEquals(AgentMessage.FaultKind.OVERSIZED_LINE, huge.kind());
        assertTrue(huge.detail().contains("over the bound of 4096"), huge.detail());
        assertEquals(AgentMessage.FaultKind.UNMATCHED_RESPONSE, ((AgentMessage.Fault) next()).kind());
        AgentMessage.Request write = (AgentMessage.Request) next();
        assertEquals(RequestId.of("r1"), write.id());
        assertEquals(new AgentRequest.WriteTextFile("s", "/w/a", "x"), write.request());
        assertTrue(connection.respond(write.id(), new ClientResponse.WriteTextFile()));
        assertEquals(AcpJson.mapper().readTree("{\"jsonrpc\":\"2.0\",\"id\":\"r1\",\"result\":{}}"), sent());
        assertFalse(connection.respond(RequestId.of("never-asked"), new ClientResponse.WriteTextFile()));
    }

    @Test
    void endOfOutputFailsWhatIsOutstandingAndSaysSo() throws Exception {
        CompletableFuture<Acp.PromptResponse> turn = connection.prompt(Acp.PromptRequest.text("s", "x"));
        sent();
        agentOut.close();
        AgentMessage.Closed closed = assertInstanceOf(AgentMessage.Closed.class, next());
        assertEquals("the agent closed its output", closed.reason());
        ExecutionException e = assertThrows(ExecutionException.class, () -> turn.get(10, TimeUnit.SECONDS));
        assertEquals("session/prompt: the agent closed its output", e.getCause().getMessage());
    }

    @Test
    void aWriteTheAgentRefusesIsAFaultAndClosesTheConnection() throws Exception {
        LinkedBlockingQueue<AgentMessage> heard = new LinkedBlockingQueue<>();
        java.io.OutputStream brokenPipe = new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("Broken pipe");
            }
        };
        AcpConnection broken = new AcpConnection(
                        new PipedInputStream(new PipedOutputStream()), brokenPipe, executor, executor, heard::add, 4096)
                .start();
        CompletableFuture<Acp.NewSessionResponse> session = broken.newSession(Acp.NewSessionRequest.in("/a"));
        AgentMessage m = heard.poll(10, TimeUnit.SECONDS);
        AgentMessage.Fault fault = assertInstanceOf(AgentMessage.Fault.class, m, String.valueOf(m));
        assertEquals(AgentMessage.FaultKind.WRITE_FAILED, fault.kind());
        assertTrue(fault.detail().contains("Broken pipe"), fault.detail());
        ExecutionException e = assertThrows(ExecutionException.class, () -> session.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
        assertTrue(
                broken.newSession(Acp.NewSessionRequest.in("/b")).isCompletedExceptionally(),
                "a request after the failure");
    }
}
