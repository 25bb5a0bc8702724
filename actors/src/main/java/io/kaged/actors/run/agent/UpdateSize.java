package io.kaged.actors.run.agent;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * About how many bytes an update takes in its journal event, cheaply enough to count for every chunk of a
 * stream ({@link AgentBatch}). A text chunk is counted from its text (escapes and UTF-8 included, so never
 * under); any other update, rarer and of any shape, is written out once to count it.
 */
final class UpdateSize {

    /** The JSON around a text chunk's text: {@code {"sessionUpdate":"agent_thought_chunk","content":…}}. */
    static final int CHUNK_FRAME = 96;

    private UpdateSize() {}

    static int of(JsonNode update) {
        JsonNode text = update.path("content").path("text");
        if (text.isTextual() && update.size() <= 3 && update.path("content").size() == 2) {
            String messageId = update.path("messageId").asText("");
            return CHUNK_FRAME + utf8Escaped(text.textValue()) + utf8Escaped(messageId);
        }
        return update.toString().length();
    }

    /** The bytes of {@code s} as a JSON string's content: at most 6 a character (a \\uXXXX escape). */
    static int utf8Escaped(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20) {
                n += 6;
            } else if (c == '"' || c == '\\') {
                n += 2;
            } else if (c < 0x80) {
                n += 1;
            } else {
                n += 3; // a surrogate pair is 4 bytes in all, under the 6 its two halves count
            }
        }
        return n;
    }
}
