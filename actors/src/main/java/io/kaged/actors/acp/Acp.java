package io.kaged.actors.acp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The ACP v1 methods kaged calls on an agent, and their params and results. Field names are the
 * protocol's; an absent optional field is null. Capabilities kaged does not act on are kept as JSON.
 */
public final class Acp {

    public static final int PROTOCOL_VERSION = 1;

    public static final String INITIALIZE = "initialize";
    public static final String AUTHENTICATE = "authenticate";
    public static final String SESSION_NEW = "session/new";
    public static final String SESSION_LOAD = "session/load";
    public static final String SESSION_RESUME = "session/resume";
    public static final String SESSION_PROMPT = "session/prompt";
    public static final String SESSION_CANCEL = "session/cancel";
    public static final String SESSION_SET_MODE = "session/set_mode";
    public static final String SESSION_UPDATE = "session/update";
    public static final String REQUEST_PERMISSION = "session/request_permission";
    public static final String FS_READ_TEXT_FILE = "fs/read_text_file";
    public static final String FS_WRITE_TEXT_FILE = "fs/write_text_file";
    public static final String TERMINAL_CREATE = "terminal/create";
    public static final String TERMINAL_OUTPUT = "terminal/output";
    public static final String TERMINAL_WAIT_FOR_EXIT = "terminal/wait_for_exit";
    public static final String TERMINAL_KILL = "terminal/kill";
    public static final String TERMINAL_RELEASE = "terminal/release";
    public static final String CANCEL_REQUEST = "$/cancel_request";

    private Acp() {}

    public record Implementation(String name, String title, String version) {}

    public record FileSystemCapabilities(boolean readTextFile, boolean writeTextFile) {}

    public record ClientCapabilities(FileSystemCapabilities fs, boolean terminal) {}

    public record InitializeRequest(
            int protocolVersion, ClientCapabilities clientCapabilities, Implementation clientInfo) {

        /** What kaged always offers: it serves fs/* inside the workspace and runs terminals as child runs. */
        public static InitializeRequest kaged(String version) {
            return new InitializeRequest(
                    PROTOCOL_VERSION,
                    new ClientCapabilities(new FileSystemCapabilities(true, true), true),
                    new Implementation("kaged", "kaged", version));
        }
    }

    public record PromptCapabilities(boolean image, boolean audio, boolean embeddedContext) {}

    /** {@code resume}, {@code list}, {@code close}: present (an object) when the agent supports it. */
    public record SessionCapabilities(JsonNode list, JsonNode resume, JsonNode close, JsonNode additionalDirectories) {}

    public record AgentCapabilities(
            boolean loadSession,
            PromptCapabilities promptCapabilities,
            JsonNode mcpCapabilities,
            SessionCapabilities sessionCapabilities) {}

    public record InitializeResponse(
            int protocolVersion,
            AgentCapabilities agentCapabilities,
            List<JsonNode> authMethods,
            Implementation agentInfo) {

        public boolean canLoadSession() {
            return agentCapabilities != null && agentCapabilities.loadSession();
        }

        public boolean canResumeSession() {
            return agentCapabilities != null
                    && agentCapabilities.sessionCapabilities() != null
                    && agentCapabilities.sessionCapabilities().resume() != null
                    && !agentCapabilities.sessionCapabilities().resume().isNull();
        }
    }

    /** kaged gives agents no MCP servers of its own: {@code mcpServers} is always empty. */
    public record NewSessionRequest(String cwd, List<String> additionalDirectories, List<JsonNode> mcpServers) {
        public static NewSessionRequest in(String cwd) {
            return new NewSessionRequest(cwd, null, List.of());
        }
    }

    public record SessionModeState(String currentModeId, List<SessionMode> availableModes) {}

    public record SessionMode(String id, String name, String description) {}

    public record NewSessionResponse(String sessionId, SessionModeState modes, JsonNode configOptions) {}

    public record LoadSessionRequest(
            String sessionId, String cwd, List<String> additionalDirectories, List<JsonNode> mcpServers) {
        public static LoadSessionRequest of(String sessionId, String cwd) {
            return new LoadSessionRequest(sessionId, cwd, null, List.of());
        }
    }

    public record ResumeSessionRequest(
            String sessionId, String cwd, List<String> additionalDirectories, List<JsonNode> mcpServers) {
        public static ResumeSessionRequest of(String sessionId, String cwd) {
            return new ResumeSessionRequest(sessionId, cwd, null, List.of());
        }
    }

    /** The result of session/load and session/resume. */
    public record SessionRestored(SessionModeState modes, JsonNode configOptions) {}

    public record PromptRequest(String sessionId, List<ContentBlock> prompt) {
        public static PromptRequest text(String sessionId, String text) {
            return new PromptRequest(sessionId, List.of(new ContentBlock.Text(text)));
        }
    }

    public record PromptResponse(StopReason stopReason) {}

    public record CancelNotification(String sessionId) {}

    public record SessionNotification(String sessionId, SessionUpdate update) {}
}
