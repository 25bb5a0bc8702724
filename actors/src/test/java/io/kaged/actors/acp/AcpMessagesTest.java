package io.kaged.actors.acp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class AcpMessagesTest {

    private final ObjectMapper mapper = AcpJson.mapper();
    private final JsonRpcCodec codec = new JsonRpcCodec();

    private SessionUpdate update(String json) throws Exception {
        return mapper.readValue(json, SessionUpdate.class);
    }

    @Test
    void readsEveryUpdateKindOfVersionOne() throws Exception {
        assertInstanceOf(
                SessionUpdate.UserMessageChunk.class,
                update("{\"sessionUpdate\":\"user_message_chunk\",\"content\":{\"type\":\"text\",\"text\":\"hi\"}}"));
        SessionUpdate.AgentMessageChunk chunk = (SessionUpdate.AgentMessageChunk)
                update("{\"sessionUpdate\":\"agent_message_chunk\",\"messageId\":\"m1\",\"_meta\":{\"x\":1},"
                        + "\"content\":{\"type\":\"text\",\"text\":\"hello\"}}");
        assertEquals(new ContentBlock.Text("hello"), chunk.content());
        assertEquals("m1", chunk.messageId());
        assertInstanceOf(
                SessionUpdate.AgentThoughtChunk.class,
                update("{\"sessionUpdate\":\"agent_thought_chunk\",\"content\":{\"type\":\"text\",\"text\":\"hm\"}}"));
        SessionUpdate.ToolCall call = (SessionUpdate.ToolCall) update("{\"sessionUpdate\":\"tool_call\","
                + "\"toolCallId\":\"t1\",\"title\":\"Edit a\",\"kind\":\"edit\",\"status\":\"pending\","
                + "\"locations\":[{\"path\":\"/w/a\",\"line\":3}],"
                + "\"content\":[{\"type\":\"diff\",\"path\":\"/w/a\",\"oldText\":\"x\",\"newText\":\"y\"},"
                + "{\"type\":\"terminal\",\"terminalId\":\"term1\"},"
                + "{\"type\":\"content\",\"content\":{\"type\":\"text\",\"text\":\"ok\"}}],"
                + "\"rawInput\":{\"file\":\"a\"}}");
        assertEquals(ToolKind.EDIT, call.kind());
        assertEquals(ToolCallStatus.PENDING, call.status());
        assertEquals(new ToolCallLocation("/w/a", 3), call.locations().get(0));
        assertEquals(new ToolCallContent.Diff("/w/a", "x", "y"), call.content().get(0));
        assertEquals(new ToolCallContent.Terminal("term1"), call.content().get(1));
        assertEquals(
                new ToolCallContent.Content(new ContentBlock.Text("ok")),
                call.content().get(2));
        SessionUpdate.ToolCallUpdate change = (SessionUpdate.ToolCallUpdate)
                update("{\"sessionUpdate\":\"tool_call_update\",\"toolCallId\":\"t1\",\"status\":\"completed\"}");
        assertEquals(ToolCallStatus.COMPLETED, change.status());
        assertNull(change.content());
        SessionUpdate.Plan plan = (SessionUpdate.Plan) update("{\"sessionUpdate\":\"plan\",\"entries\":"
                + "[{\"content\":\"step\",\"priority\":\"high\",\"status\":\"in_progress\"}]}");
        assertEquals(
                SessionUpdate.PlanEntry.EntryStatus.IN_PROGRESS,
                plan.entries().get(0).status());
        assertInstanceOf(
                SessionUpdate.AvailableCommandsUpdate.class,
                update("{\"sessionUpdate\":\"available_commands_update\",\"availableCommands\":"
                        + "[{\"name\":\"web\",\"description\":\"search\",\"input\":{\"hint\":\"q\"}}]}"));
        assertEquals(
                new SessionUpdate.CurrentModeUpdate("code"),
                update("{\"sessionUpdate\":\"current_mode_update\",\"currentModeId\":\"code\"}"));
        assertInstanceOf(
                SessionUpdate.ConfigOptionUpdate.class,
                update("{\"sessionUpdate\":\"config_option_update\",\"configOptions\":[]}"));
        assertEquals(
                new SessionUpdate.SessionInfoUpdate("Fix bug", null),
                update("{\"sessionUpdate\":\"session_info_update\",\"title\":\"Fix bug\"}"));
        SessionUpdate.UsageUpdate usage = (SessionUpdate.UsageUpdate)
                update(
                        "{\"sessionUpdate\":\"usage_update\",\"used\":10,\"size\":100,\"cost\":{\"amount\":0.5,\"currency\":\"USD\"}}");
        assertEquals(100, usage.size());
        assertEquals("USD", usage.cost().currency());
    }

    @Test
    void keepsAnUpdateOfAnUnknownKindWholeAndWritesItBackAsItCame() throws Exception {
        String json = "{\"sessionUpdate\":\"hologram\",\"beam\":{\"power\":9}}";
        SessionUpdate unknown = update(json);
        SessionUpdate.Unknown kept = assertInstanceOf(SessionUpdate.Unknown.class, unknown);
        assertEquals("hologram", kept.kind());
        assertEquals(mapper.readTree(json), mapper.readTree(mapper.writeValueAsString(unknown)));
        assertEquals(unknown, mapper.readValue(mapper.writeValueAsString(unknown), SessionUpdate.class));
    }

    @Test
    void updatesRoundTripForTheJournal() throws Exception {
        List<SessionUpdate> updates = List.of(
                new SessionUpdate.AgentMessageChunk(new ContentBlock.Text("a"), null),
                new SessionUpdate.ToolCall(
                        "t1",
                        "Run",
                        ToolKind.EXECUTE,
                        ToolCallStatus.IN_PROGRESS,
                        List.of(new ToolCallContent.Terminal("x")),
                        List.of(new ToolCallLocation("/w", null)),
                        mapper.readTree("{\"command\":\"ls\"}"),
                        null),
                new SessionUpdate.Plan(List.of(new SessionUpdate.PlanEntry(
                        "p", SessionUpdate.PlanEntry.Priority.LOW, SessionUpdate.PlanEntry.EntryStatus.PENDING))));
        for (SessionUpdate u : updates) {
            String json = mapper.writeValueAsString(u);
            assertEquals(u, mapper.readValue(json, SessionUpdate.class), json);
        }
        JsonNode written = mapper.valueToTree(updates.get(0));
        assertEquals("agent_message_chunk", written.get("sessionUpdate").asText());
        assertEquals("text", written.get("content").get("type").asText());
    }

    @Test
    void unknownEnumValuesDoNotFailAMessage() throws Exception {
        SessionUpdate.ToolCall call = (SessionUpdate.ToolCall)
                update(
                        "{\"sessionUpdate\":\"tool_call\",\"toolCallId\":\"t\",\"title\":\"x\",\"kind\":\"teleport\",\"status\":\"dreaming\"}");
        assertEquals(ToolKind.OTHER, call.kind());
        assertNull(call.status());
        assertNull(mapper.readValue("{\"stopReason\":\"bored\"}", Acp.PromptResponse.class)
                .stopReason());
        assertEquals("[resource]", new ContentBlock.Resource(null).displayText());
        assertEquals(
                "[video]",
                mapper.readValue("{\"type\":\"video\",\"url\":\"x\"}", ContentBlock.class)
                        .displayText());
    }

    @Test
    void writesTheInitializeKagedSends() throws Exception {
        JsonNode init = mapper.valueToTree(Acp.InitializeRequest.kaged("0.1.0"));
        assertEquals(1, init.get("protocolVersion").asInt());
        assertTrue(init.at("/clientCapabilities/fs/readTextFile").asBoolean());
        assertTrue(init.at("/clientCapabilities/fs/writeTextFile").asBoolean());
        assertTrue(init.at("/clientCapabilities/terminal").asBoolean());
        JsonNode newSession = mapper.valueToTree(Acp.NewSessionRequest.in("/w"));
        assertEquals(mapper.readTree("{\"cwd\":\"/w\",\"mcpServers\":[]}"), newSession);
        assertEquals(
                mapper.readTree("{\"sessionId\":\"s\",\"prompt\":[{\"type\":\"text\",\"text\":\"go\"}]}"),
                mapper.valueToTree(Acp.PromptRequest.text("s", "go")));
    }

    @Test
    void readsTheAgentCapabilitiesThatDecideResume() throws Exception {
        Acp.InitializeResponse both = mapper.readValue(
                "{\"protocolVersion\":1,\"agentCapabilities\":{\"loadSession\":true,"
                        + "\"sessionCapabilities\":{\"resume\":{}}},\"authMethods\":[{\"id\":\"a\",\"name\":\"A\"}],"
                        + "\"agentInfo\":{\"name\":\"x\",\"version\":\"1\"}}",
                Acp.InitializeResponse.class);
        assertTrue(both.canLoadSession());
        assertTrue(both.canResumeSession());
        Acp.InitializeResponse bare = mapper.readValue("{\"protocolVersion\":1}", Acp.InitializeResponse.class);
        assertEquals(false, bare.canLoadSession());
        assertEquals(false, bare.canResumeSession());
    }

    @Test
    void writesPermissionOutcomesAsTheSchemaSaysAndEmptyResultsAsObjects() throws Exception {
        assertEquals(
                mapper.readTree("{\"outcome\":{\"outcome\":\"selected\",\"optionId\":\"o1\"}}"),
                mapper.valueToTree(ClientResponse.RequestPermission.selected("o1")));
        assertEquals(
                mapper.readTree("{\"outcome\":{\"outcome\":\"cancelled\"}}"),
                mapper.valueToTree(ClientResponse.RequestPermission.cancelled()));
        assertEquals(mapper.readTree("{}"), mapper.valueToTree(new ClientResponse.WriteTextFile()));
    }

    @Test
    void decodesTheFourEnvelopesAndReportsBadLines() {
        assertInstanceOf(
                JsonRpcMessage.Request.class,
                ((JsonRpcCodec.Message) codec.decode("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"m\"}")).message());
        assertInstanceOf(
                JsonRpcMessage.Notification.class,
                ((JsonRpcCodec.Message) codec.decode("{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":{}}"))
                        .message());
        JsonRpcMessage.Response response = (JsonRpcMessage.Response)
                ((JsonRpcCodec.Message) codec.decode("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}")).message();
        assertEquals(RequestId.of(7), response.id());
        JsonRpcMessage.ErrorResponse error = (JsonRpcMessage.ErrorResponse) ((JsonRpcCodec.Message)
                        codec.decode(
                                "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32000,\"message\":\"Authentication required\"}}"))
                .message();
        assertTrue(error.error().authRequired());
        for (String bad : List.of(
                "garbage",
                "[1,2]",
                "{\"id\":1,\"result\":{}}",
                "{\"jsonrpc\":\"2.0\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1}",
                "{\"jsonrpc\":\"2.0\",\"method\":3}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"no\"}")) {
            assertInstanceOf(JsonRpcCodec.Malformed.class, codec.decode(bad), bad);
        }
        JsonRpcCodec.Malformed huge = (JsonRpcCodec.Malformed) codec.decode("x".repeat(10_000));
        assertTrue(huge.excerpt().length() < 300);
    }

    @Test
    void encodesWithTheVersionAndTheIdAsGiven() throws Exception {
        String line = codec.encode(new JsonRpcMessage.Request(RequestId.of(3), "initialize", mapper.readTree("{}")));
        assertEquals(
                mapper.readTree("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"initialize\",\"params\":{}}"),
                mapper.readTree(line));
        assertTrue(!line.contains("\n"));
    }

    @Test
    void readsThePermissionRequestsToolCallWithoutItsUpdateTag() throws Exception {
        AgentRequest.RequestPermission ask = mapper.readValue(
                "{\"sessionId\":\"s\",\"toolCall\":{\"toolCallId\":\"t1\",\"title\":\"Edit\",\"kind\":\"edit\"},"
                        + "\"options\":[{\"optionId\":\"o\",\"name\":\"Allow\",\"kind\":\"allow_once\"}]}",
                AgentRequest.RequestPermission.class);
        assertEquals("t1", ask.toolCall().toolCallId());
        assertEquals(ToolKind.EDIT, ask.toolCall().kind());
        assertEquals(PermissionOption.Kind.ALLOW_ONCE, ask.options().get(0).kind());
        JsonNode written = mapper.valueToTree(ask);
        assertEquals(ask, mapper.treeToValue(written, AgentRequest.RequestPermission.class));
    }
}
