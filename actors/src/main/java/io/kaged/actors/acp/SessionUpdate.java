package io.kaged.actors.acp;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One {@code session/update} of ACP v1, by its {@code sessionUpdate} kind. Each is journaled as a run
 * event as it came; an update of a kind this version does not know is kept whole as {@link Unknown} so a
 * newer agent's updates are recorded, not dropped.
 */
@JsonTypeInfo(
        use = JsonTypeInfo.Id.NAME,
        property = "sessionUpdate",
        visible = true,
        defaultImpl = SessionUpdate.Unknown.class)
@JsonSubTypes({
    @JsonSubTypes.Type(SessionUpdate.UserMessageChunk.class),
    @JsonSubTypes.Type(SessionUpdate.AgentMessageChunk.class),
    @JsonSubTypes.Type(SessionUpdate.AgentThoughtChunk.class),
    @JsonSubTypes.Type(SessionUpdate.ToolCall.class),
    @JsonSubTypes.Type(SessionUpdate.ToolCallUpdate.class),
    @JsonSubTypes.Type(SessionUpdate.Plan.class),
    @JsonSubTypes.Type(SessionUpdate.AvailableCommandsUpdate.class),
    @JsonSubTypes.Type(SessionUpdate.CurrentModeUpdate.class),
    @JsonSubTypes.Type(SessionUpdate.ConfigOptionUpdate.class),
    @JsonSubTypes.Type(SessionUpdate.SessionInfoUpdate.class),
    @JsonSubTypes.Type(SessionUpdate.UsageUpdate.class)
})
public sealed interface SessionUpdate {

    /** The three chunk kinds share a shape: one content block, optionally tagged with its message. */
    sealed interface Chunk extends SessionUpdate {
        ContentBlock content();

        String messageId();
    }

    @JsonTypeName("user_message_chunk")
    record UserMessageChunk(ContentBlock content, String messageId) implements Chunk {}

    @JsonTypeName("agent_message_chunk")
    record AgentMessageChunk(ContentBlock content, String messageId) implements Chunk {}

    @JsonTypeName("agent_thought_chunk")
    record AgentThoughtChunk(ContentBlock content, String messageId) implements Chunk {}

    /** A new tool call: the agent's announcement, with everything known so far. */
    @JsonTypeName("tool_call")
    record ToolCall(
            String toolCallId,
            String title,
            ToolKind kind,
            ToolCallStatus status,
            List<ToolCallContent> content,
            List<ToolCallLocation> locations,
            JsonNode rawInput,
            JsonNode rawOutput)
            implements SessionUpdate {}

    /**
     * A change to a tool call: only the fields present change; a list present replaces the old list. Also the
     * tool call of a permission request.
     */
    @JsonTypeName("tool_call_update")
    record ToolCallUpdate(
            String toolCallId,
            String title,
            ToolKind kind,
            ToolCallStatus status,
            List<ToolCallContent> content,
            List<ToolCallLocation> locations,
            JsonNode rawInput,
            JsonNode rawOutput)
            implements SessionUpdate {}

    /** The agent's whole current plan; each one replaces the one before. */
    @JsonTypeName("plan")
    record Plan(List<PlanEntry> entries) implements SessionUpdate {}

    record PlanEntry(String content, Priority priority, EntryStatus status) {
        public enum Priority {
            @JsonProperty("high")
            HIGH,
            @JsonProperty("medium")
            MEDIUM,
            @JsonProperty("low")
            LOW
        }

        public enum EntryStatus {
            @JsonProperty("pending")
            PENDING,
            @JsonProperty("in_progress")
            IN_PROGRESS,
            @JsonProperty("completed")
            COMPLETED
        }
    }

    @JsonTypeName("available_commands_update")
    record AvailableCommandsUpdate(List<AvailableCommand> availableCommands) implements SessionUpdate {}

    record AvailableCommand(String name, String description, JsonNode input) {}

    @JsonTypeName("current_mode_update")
    record CurrentModeUpdate(String currentModeId) implements SessionUpdate {}

    /** Config options change as a whole; kaged records them without reading them. */
    @JsonTypeName("config_option_update")
    record ConfigOptionUpdate(JsonNode configOptions) implements SessionUpdate {}

    @JsonTypeName("session_info_update")
    record SessionInfoUpdate(String title, String updatedAt) implements SessionUpdate {}

    /** Context window use (tokens used of size) and, if the agent knows it, the cost so far. */
    @JsonTypeName("usage_update")
    record UsageUpdate(long used, long size, Cost cost) implements SessionUpdate {}

    record Cost(double amount, String currency) {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NONE)
    record Unknown(@JsonValue JsonNode raw) implements SessionUpdate {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public Unknown {}

        public String kind() {
            return raw.path("sessionUpdate").asText("");
        }
    }
}
