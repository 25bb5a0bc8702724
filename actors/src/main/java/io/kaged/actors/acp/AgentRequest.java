package io.kaged.actors.acp;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A request the agent makes of kaged (its ACP client), typed by method. The run actor answers each through
 * {@link AcpConnection#respond} with the matching {@link ClientResponse}, or an error.
 */
public sealed interface AgentRequest {

    /** The session the request belongs to; null for a method this version does not know. */
    String sessionId();

    /**
     * ACP sends the tool call as a {@code tool_call_update} without its {@code sessionUpdate} tag; the creator
     * adds the tag so the one {@link SessionUpdate.ToolCallUpdate} type serves both.
     */
    record RequestPermission(String sessionId, SessionUpdate.ToolCallUpdate toolCall, List<PermissionOption> options)
            implements AgentRequest {

        @JsonCreator
        static RequestPermission read(
                @JsonProperty("sessionId") String sessionId,
                @JsonProperty("toolCall") JsonNode toolCall,
                @JsonProperty("options") List<PermissionOption> options) {
            if (toolCall == null || !toolCall.isObject()) {
                return new RequestPermission(sessionId, null, options);
            }
            ObjectNode tagged = ((ObjectNode) toolCall).deepCopy().put("sessionUpdate", "tool_call_update");
            try {
                return new RequestPermission(
                        sessionId,
                        (SessionUpdate.ToolCallUpdate) AcpJson.mapper().treeToValue(tagged, SessionUpdate.class),
                        options);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("toolCall: " + e.getOriginalMessage(), e);
            }
        }
    }

    /** {@code line} is 1-based; {@code limit} counts lines. */
    record ReadTextFile(String sessionId, String path, Integer line, Integer limit) implements AgentRequest {}

    record WriteTextFile(String sessionId, String path, String content) implements AgentRequest {}

    record CreateTerminal(
            String sessionId,
            String command,
            List<String> args,
            List<EnvVariable> env,
            String cwd,
            Long outputByteLimit)
            implements AgentRequest {}

    record EnvVariable(String name, String value) {}

    record TerminalOutput(String sessionId, String terminalId) implements AgentRequest {}

    record WaitForTerminalExit(String sessionId, String terminalId) implements AgentRequest {}

    record KillTerminal(String sessionId, String terminalId) implements AgentRequest {}

    record ReleaseTerminal(String sessionId, String terminalId) implements AgentRequest {}

    /** The class of params each method this version knows carries; null for any other method. */
    static Class<? extends AgentRequest> paramsOf(String method) {
        return switch (method) {
            case Acp.REQUEST_PERMISSION -> RequestPermission.class;
            case Acp.FS_READ_TEXT_FILE -> ReadTextFile.class;
            case Acp.FS_WRITE_TEXT_FILE -> WriteTextFile.class;
            case Acp.TERMINAL_CREATE -> CreateTerminal.class;
            case Acp.TERMINAL_OUTPUT -> TerminalOutput.class;
            case Acp.TERMINAL_WAIT_FOR_EXIT -> WaitForTerminalExit.class;
            case Acp.TERMINAL_KILL -> KillTerminal.class;
            case Acp.TERMINAL_RELEASE -> ReleaseTerminal.class;
            default -> null;
        };
    }
}
