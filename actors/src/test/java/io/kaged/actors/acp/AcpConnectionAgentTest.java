package io.kaged.actors.acp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kaged.actors.acp.AgentMessage.FaultKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link AcpConnection} end to end against {@link ScriptedAgent} as a real child process. */
class AcpConnectionAgentTest {

    private static final long WAIT_SECONDS = 30;

    private final ExecutorService reader = Executors.newCachedThreadPool();
    private final ExecutorService writer = Executors.newSingleThreadExecutor();
    private final LinkedBlockingQueue<AgentMessage> received = new LinkedBlockingQueue<>();
    private final List<Process> agents = new ArrayList<>();
    private final List<AcpConnection> connections = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        connections.forEach(AcpConnection::close);
        for (Process agent : agents) {
            agent.destroy();
            if (!agent.waitFor(10, TimeUnit.SECONDS)) {
                agent.destroyForcibly();
            }
        }
        reader.shutdownNow();
        writer.shutdownNow();
    }

    private AcpConnection start(int maxLineBytes, String... flags) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                ScriptedAgent.class.getName()));
        command.addAll(List.of(flags));
        Process agent = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        agents.add(agent);
        AcpConnection connection = new AcpConnection(
                        agent.getInputStream(), agent.getOutputStream(), reader, writer, received::add, maxLineBytes)
                .start();
        connections.add(connection);
        return connection;
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private AgentMessage next() throws InterruptedException {
        AgentMessage message = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(message, "the agent sent nothing more");
        return message;
    }

    /** Updates up to the next request, which is returned last. */
    private List<AgentMessage> untilRequest() throws InterruptedException {
        List<AgentMessage> messages = new ArrayList<>();
        while (messages.isEmpty() || !(messages.get(messages.size() - 1) instanceof AgentMessage.Request)) {
            messages.add(next());
        }
        return messages;
    }

    private String openSession(AcpConnection connection) throws Exception {
        Acp.InitializeResponse init = await(connection.initialize(Acp.InitializeRequest.kaged("test")));
        assertEquals(1, init.protocolVersion());
        assertEquals("scripted-agent", init.agentInfo().name());
        return await(connection.newSession(Acp.NewSessionRequest.in("/work"))).sessionId();
    }

    @Test
    void aFullTurnStreamsUpdatesAsksPermissionAndEndsTheTurn() throws Exception {
        AcpConnection connection = start(AcpConnection.DEFAULT_MAX_LINE_BYTES);
        String session = openSession(connection);
        assertEquals("sess-1", session);

        List<ConversationEvent> events = new ArrayList<>();
        events.add(new ConversationEvent.PromptSent("edit a.txt"));
        CompletableFuture<Acp.PromptResponse> turn = connection.prompt(Acp.PromptRequest.text(session, "edit a.txt"));
        List<AgentMessage> messages = untilRequest();
        for (AgentMessage m : messages.subList(0, messages.size() - 1)) {
            AgentMessage.Update update = assertInstanceOf(AgentMessage.Update.class, m);
            assertEquals(session, update.sessionId());
            events.add(new ConversationEvent.UpdateReceived(update.update()));
        }
        AgentMessage.Request request = (AgentMessage.Request) messages.get(messages.size() - 1);
        AgentRequest.RequestPermission permission =
                assertInstanceOf(AgentRequest.RequestPermission.class, request.request());
        assertEquals("t1", permission.toolCall().toolCallId());
        assertEquals(4, permission.options().size());
        assertEquals(java.util.Map.of(request.id(), session), connection.pendingPermissions());

        PolicyDecision decision = Permissions.decide(
                PermissionQuestion.of(permission.toolCall(), List.of(Path.of("/work"))),
                List.of(((PermissionPolicy.Valid) PermissionPolicy.fromConfig(AcpJson.mapper()
                                .readTree("{\"acp\":{\"permissions\":[{\"kind\":\"edit\",\"decision\":\"allow\"}]}}")))
                        .policy()));
        PermissionOption option = OptionChoice.forDecision(decision.decision(), permission.options())
                .orElseThrow();
        assertEquals("opt-allow_once", option.optionId());
        assertTrue(connection.respond(request.id(), ClientResponse.RequestPermission.selected(option.optionId())));
        assertFalse(connection.respond(request.id(), ClientResponse.RequestPermission.cancelled()), "one answer only");

        Acp.PromptResponse end = await(turn);
        assertEquals(StopReason.END_TURN, end.stopReason());
        AgentMessage.Update done = assertInstanceOf(AgentMessage.Update.class, next());
        events.add(new ConversationEvent.UpdateReceived(done.update()));
        events.add(new ConversationEvent.TurnEnded(end.stopReason()));

        List<ConversationItem> items = Conversation.of(events).items();
        assertEquals(5, items.size(), items.toString());
        assertEquals(new ConversationItem.UserMessage(0, "edit a.txt"), items.get(0));
        assertEquals(new ConversationItem.Thought(1, "Thinking", null), items.get(1));
        assertEquals(new ConversationItem.AgentMessage(2, "Hello, world", null), items.get(2));
        ConversationItem.ToolCall call = (ConversationItem.ToolCall) items.get(3);
        assertEquals(ToolCallStatus.COMPLETED, call.status());
        assertEquals(List.of(new ToolCallLocation("/work/src/a.txt", null)), call.locations());
        assertEquals(new ConversationItem.TurnEnd(4, StopReason.END_TURN, null), items.get(4));
    }

    @Test
    void cancellingATurnAnswersItsPendingPermissionRequestsCancelled() throws Exception {
        AcpConnection connection = start(AcpConnection.DEFAULT_MAX_LINE_BYTES);
        String session = openSession(connection);
        CompletableFuture<Acp.PromptResponse> turn = connection.prompt(Acp.PromptRequest.text(session, "go"));
        List<AgentMessage> messages = untilRequest();
        AgentMessage.Request request = (AgentMessage.Request) messages.get(messages.size() - 1);

        assertEquals(List.of(request.id()), connection.cancel(session));
        assertEquals(StopReason.CANCELLED, await(turn).stopReason());
        assertTrue(connection.pendingPermissions().isEmpty());
        assertFalse(
                connection.respond(request.id(), ClientResponse.RequestPermission.selected("opt-allow_once")),
                "the operator's late answer is not sent: the request was answered cancelled");
        assertEquals(List.of(), connection.cancel(session));
    }

    @Test
    void restoresASessionWithLoadWhenTheAgentAdvertisesIt() throws Exception {
        AcpConnection connection = start(AcpConnection.DEFAULT_MAX_LINE_BYTES);
        Acp.InitializeResponse init = await(connection.initialize(Acp.InitializeRequest.kaged("test")));
        assertTrue(init.canLoadSession());
        await(connection.loadSession(Acp.LoadSessionRequest.of("sess-1", "/work")));
        // The replay arrives before the load's answer, in order.
        SessionUpdate first = ((AgentMessage.Update) next()).update();
        SessionUpdate second = ((AgentMessage.Update) next()).update();
        assertInstanceOf(SessionUpdate.UserMessageChunk.class, first);
        assertInstanceOf(SessionUpdate.AgentMessageChunk.class, second);

        AcpConnection bare = start(AcpConnection.DEFAULT_MAX_LINE_BYTES, "--no-load");
        Acp.InitializeResponse plain = await(bare.initialize(Acp.InitializeRequest.kaged("test")));
        assertFalse(plain.canLoadSession());
        assertFalse(plain.canResumeSession());
    }

    @Test
    void garbageUnknownMethodsAndHugeLinesAreReportedAndTheConnectionGoesOn() throws Exception {
        AcpConnection connection = start(64 * 1024, "--garbage", "--huge=200000");
        String session = openSession(connection);
        List<FaultKind> faults = new ArrayList<>();
        CompletableFuture<Acp.PromptResponse> turn = connection.prompt(Acp.PromptRequest.text(session, "go"));
        List<AgentMessage> messages = untilRequest();
        for (AgentMessage m : messages) {
            if (m instanceof AgentMessage.Fault fault) {
                faults.add(fault.kind());
            }
        }
        assertEquals(
                List.of(
                        FaultKind.MALFORMED_LINE,
                        FaultKind.UNKNOWN_METHOD,
                        FaultKind.UNMATCHED_RESPONSE,
                        FaultKind.OVERSIZED_LINE),
                faults);
        AgentMessage.Request request = (AgentMessage.Request) messages.get(messages.size() - 1);
        connection.respond(request.id(), ClientResponse.RequestPermission.selected("opt-reject_once"));
        assertEquals(StopReason.END_TURN, await(turn).stopReason());
        SessionUpdate.ToolCallUpdate failed = (SessionUpdate.ToolCallUpdate) ((AgentMessage.Update) next()).update();
        assertEquals(ToolCallStatus.FAILED, failed.status());
    }

    @Test
    void anAgentThatDiesFailsTheTurnAndClosesTheConnection() throws Exception {
        AcpConnection connection = start(AcpConnection.DEFAULT_MAX_LINE_BYTES, "--crash-on-prompt");
        String session = openSession(connection);
        CompletableFuture<Acp.PromptResponse> turn = connection.prompt(Acp.PromptRequest.text(session, "go"));
        try {
            await(turn);
            fail("the turn cannot end with a stop reason");
        } catch (ExecutionException e) {
            AcpException cause = assertInstanceOf(AcpException.class, e.getCause());
            assertTrue(cause.getMessage().contains("session/prompt"), cause.getMessage());
        }
        AgentMessage.Closed closed = assertInstanceOf(AgentMessage.Closed.class, next());
        assertTrue(closed.reason().contains("closed its output"), closed.reason());
        ExecutionException late = org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class, () -> await(connection.prompt(Acp.PromptRequest.text(session, "again"))));
        assertInstanceOf(AcpException.class, late.getCause());
    }
}
