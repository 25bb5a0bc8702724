package io.kaged.actors.acp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

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
    private static final JsonFactory FACTORY = AcpJson.mapper().getFactory();

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
        SessionUpdate.Chunk chunk = chunk(kind.textValue(), text.textValue(), id);
        if (chunk == null) {
            return null;
        }
        return new Read(chunk, written(kind.textValue(), text.textValue(), id));
    }

    /**
     * A whole line that is a {@code session/update} notification of a plain text chunk, read token by token
     * without building a tree: building one for each of the thousands of pieces of a streamed reply was most of
     * the reader's cost and of the garbage it made. Anything else (a field the common case does not have, a field
     * twice, input after the message, not JSON) gives null and goes through {@link JsonRpcCodec}, so what this
     * gives is what the general path gives.
     */
    public static AgentMessage.Update readLine(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return readLine(bytes, bytes.length);
    }

    /** As {@link #readLine(String)}, from a line's UTF-8 bytes; invalid UTF-8 goes the general path too. */
    public static AgentMessage.Update readLine(byte[] line, int length) {
        try (JsonParser p = FACTORY.createParser(line, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            boolean version = false;
            boolean method = false;
            AgentMessage.Update update = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "jsonrpc" -> {
                        if (version || value != JsonToken.VALUE_STRING || !"2.0".equals(p.getText())) {
                            return null;
                        }
                        version = true;
                    }
                    case "method" -> {
                        if (method || value != JsonToken.VALUE_STRING || !Acp.SESSION_UPDATE.equals(p.getText())) {
                            return null;
                        }
                        method = true;
                    }
                    case "params" -> {
                        if (update != null || value != JsonToken.START_OBJECT || (update = params(p)) == null) {
                            return null;
                        }
                    }
                    default -> {
                        return null;
                    }
                }
            }
            // the loop ended on the message's END_OBJECT; nothing may follow it
            return version && method && update != null && p.nextToken() == null ? update : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code {"sessionId": "…", "update": {…}}}, the parser on its START_OBJECT. */
    private static AgentMessage.Update params(JsonParser p) throws IOException {
        String sessionId = null;
        SessionUpdate.Chunk chunk = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("sessionId") && sessionId == null && value == JsonToken.VALUE_STRING) {
                sessionId = p.getText();
            } else if (name.equals("update") && chunk == null && value == JsonToken.START_OBJECT) {
                if ((chunk = chunk(p)) == null) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return sessionId == null || chunk == null ? null : new AgentMessage.Update(sessionId, chunk);
    }

    /** {@code {"sessionUpdate": "…_chunk", "content": {"type": "text", "text": "…"}, "messageId"?: …}}. */
    private static SessionUpdate.Chunk chunk(JsonParser p) throws IOException {
        String kind = null;
        String text = null;
        String messageId = null;
        boolean hasMessageId = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("sessionUpdate") && kind == null && value == JsonToken.VALUE_STRING) {
                kind = p.getText();
            } else if (name.equals("content") && text == null && value == JsonToken.START_OBJECT) {
                if ((text = text(p)) == null) {
                    return null;
                }
            } else if (name.equals("messageId")
                    && !hasMessageId
                    && (value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NULL)) {
                hasMessageId = true;
                messageId = value == JsonToken.VALUE_NULL ? null : p.getText();
            } else {
                return null;
            }
        }
        if (kind == null || text == null) {
            return null;
        }
        return chunk(kind, text, messageId);
    }

    /** The typed chunk of a kind's wire name; null for a kind that is not a chunk's. */
    private static SessionUpdate.Chunk chunk(String kind, String text, String messageId) {
        ContentBlock.Text block = new ContentBlock.Text(text);
        return switch (kind) {
            case "agent_message_chunk" -> new SessionUpdate.AgentMessageChunk(block, messageId);
            case "agent_thought_chunk" -> new SessionUpdate.AgentThoughtChunk(block, messageId);
            case "user_message_chunk" -> new SessionUpdate.UserMessageChunk(block, messageId);
            default -> null;
        };
    }

    /** A chunk of the kind and message of {@code chunk}, holding {@code text}. */
    static SessionUpdate.Chunk withText(SessionUpdate.Chunk chunk, String text) {
        return chunk(kind(chunk), text, chunk.messageId());
    }

    /** {@code {"type": "text", "text": "…"}}: its text, or null. */
    private static String text(JsonParser p) throws IOException {
        boolean typed = false;
        String text = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("type") && !typed && value == JsonToken.VALUE_STRING && "text".equals(p.getText())) {
                typed = true;
            } else if (name.equals("text") && text == null && value == JsonToken.VALUE_STRING) {
                text = p.getText();
            } else {
                return null;
            }
        }
        return typed ? text : null;
    }

    /** The wire name of a chunk's kind ({@code agent_message_chunk}…). */
    public static String kind(SessionUpdate.Chunk chunk) {
        if (chunk instanceof SessionUpdate.AgentMessageChunk) {
            return "agent_message_chunk";
        }
        return chunk instanceof SessionUpdate.AgentThoughtChunk ? "agent_thought_chunk" : "user_message_chunk";
    }

    /** The tree the data binding writes for the chunk: the kind first, then the content, then the message id. */
    public static ObjectNode written(String kind, String text, String messageId) {
        ObjectNode json = NODES.objectNode();
        json.put("sessionUpdate", kind);
        json.putObject("content").put("type", "text").put("text", text);
        if (messageId != null) {
            json.put("messageId", messageId);
        }
        return json;
    }
}
