package io.kaged.actors.acp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The common case of a {@code session/update} read without Jackson's data binding: a chunk of plain text
 * ({@code {"sessionUpdate": "agent_message_chunk", "content": {"type": "text", "text": "…"}}}, optionally with a
 * {@code messageId}). An agent streams a reply as thousands of these, and binding each to {@link SessionUpdate}
 * through the polymorphic deserializer, then back to a tree for the journal, cost the daemon more than reading
 * the line. Only an update of exactly that shape is taken here (no other field, no other content field), so
 * what it gives is what the data binding gives; anything else returns null and goes the general way.
 */
public final class TextChunks {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A plain text chunk, read and in the form the journal keeps. */
    public record Read(SessionUpdate.Chunk chunk, ObjectNode json) {}

    private TextChunks() {}

    /** The chunk {@code update} holds, typed and as kaged writes it; null when it is not a plain text chunk. */
    public static Read read(JsonNode update) {
        if (update == null || !update.isObject()) {
            return null;
        }
        JsonNode kind = update.get("sessionUpdate");
        JsonNode content = update.get("content");
        JsonNode messageId = update.get("messageId");
        int fields = update.size();
        if (kind == null || !kind.isTextual() || content == null || !content.isObject()) {
            return null;
        }
        if (messageId != null && !messageId.isTextual() && !messageId.isNull()) {
            return null;
        }
        if (fields != (messageId == null ? 2 : 3) || content.size() != 2) {
            return null;
        }
        JsonNode type = content.get("type");
        JsonNode text = content.get("text");
        if (type == null || !"text".equals(type.textValue()) || text == null || !text.isTextual()) {
            return null;
        }
        String id = messageId == null || messageId.isNull() ? null : messageId.textValue();
        ContentBlock.Text block = new ContentBlock.Text(text.textValue());
        SessionUpdate.Chunk chunk =
                switch (kind.textValue()) {
                    case "agent_message_chunk" -> new SessionUpdate.AgentMessageChunk(block, id);
                    case "agent_thought_chunk" -> new SessionUpdate.AgentThoughtChunk(block, id);
                    case "user_message_chunk" -> new SessionUpdate.UserMessageChunk(block, id);
                    default -> null;
                };
        if (chunk == null) {
            return null;
        }
        return new Read(chunk, written(kind.textValue(), text.textValue(), id));
    }

    /** The tree the data binding writes for the chunk: the kind first, then the content, then the message id. */
    private static ObjectNode written(String kind, String text, String messageId) {
        ObjectNode json = NODES.objectNode();
        json.put("sessionUpdate", kind);
        json.putObject("content").put("type", "text").put("text", text);
        if (messageId != null) {
            json.put("messageId", messageId);
        }
        return json;
    }
}
