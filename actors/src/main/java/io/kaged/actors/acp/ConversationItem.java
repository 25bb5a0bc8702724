package io.kaged.actors.acp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One item of a run's conversation as {@code GET /v1/runs/{id}/conversation} pages it. {@code index} is the
 * item's place, stable once given: later events change an item in place (a chunk appended, a tool call
 * updated), they never move it.
 */
public sealed interface ConversationItem {

    int index();

    record UserMessage(int index, String text) implements ConversationItem {}

    /** The agent's reply, merged from its consecutive chunks. */
    record AgentMessage(int index, String text, String messageId) implements ConversationItem {}

    record Thought(int index, String text, String messageId) implements ConversationItem {}

    /** A tool call with everything its updates said, the latest value of each field. */
    record ToolCall(
            int index,
            String toolCallId,
            String title,
            ToolKind kind,
            ToolCallStatus status,
            List<ToolCallContent> content,
            List<ToolCallLocation> locations,
            JsonNode rawInput,
            JsonNode rawOutput)
            implements ConversationItem {}

    /** The turn's plan as last sent: a newer plan in the same turn replaces it. */
    record Plan(int index, List<SessionUpdate.PlanEntry> entries) implements ConversationItem {}

    /** The end of a turn: its stop reason, or the error that ended it (then {@code stopReason} is null). */
    record TurnEnd(int index, StopReason stopReason, String error) implements ConversationItem {}
}
