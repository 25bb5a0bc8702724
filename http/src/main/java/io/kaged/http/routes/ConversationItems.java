package io.kaged.http.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kaged.actors.acp.AcpJson;
import io.kaged.actors.acp.ConversationItem;

/**
 * A conversation item as the API shows it: the item's fields as ACP names them, with its {@code type}
 * (user_message, agent_message, thought, tool_call, plan, turn_end) first.
 */
final class ConversationItems {

    private ConversationItems() {}

    static ObjectNode json(ConversationItem item) {
        ObjectNode node = AcpJson.mapper().createObjectNode().put("type", type(item));
        node.setAll((ObjectNode) AcpJson.mapper().valueToTree(item));
        return node;
    }

    static String type(ConversationItem item) {
        if (item instanceof ConversationItem.UserMessage) {
            return "user_message";
        }
        if (item instanceof ConversationItem.AgentMessage) {
            return "agent_message";
        }
        if (item instanceof ConversationItem.Thought) {
            return "thought";
        }
        if (item instanceof ConversationItem.ToolCall) {
            return "tool_call";
        }
        if (item instanceof ConversationItem.Plan) {
            return "plan";
        }
        return "turn_end";
    }
}
