package io.kaged.actors.acp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextChunksTest {

    private final ObjectMapper mapper = AcpJson.mapper();

    /** What the data binding makes of an update: the typed value, and the tree the journal kept before. */
    private JsonNode bound(String json) throws Exception {
        return mapper.valueToTree(mapper.readValue(json, SessionUpdate.class));
    }

    @Test
    void plainTextChunksReadAsTheDataBindingReadsThem() throws Exception {
        for (String json : List.of(
                "{\"sessionUpdate\":\"agent_message_chunk\",\"content\":{\"type\":\"text\",\"text\":\"chunk 1 \"}}",
                "{\"content\":{\"text\":\"hm\",\"type\":\"text\"},\"sessionUpdate\":\"agent_thought_chunk\"}",
                "{\"sessionUpdate\":\"user_message_chunk\",\"content\":{\"type\":\"text\",\"text\":\"\"}}",
                "{\"sessionUpdate\":\"agent_message_chunk\",\"messageId\":\"m1\","
                        + "\"content\":{\"type\":\"text\",\"text\":\"é \\\"q\\\" \\n\"}}",
                "{\"sessionUpdate\":\"agent_message_chunk\",\"content\":{\"type\":\"text\",\"text\":\"x\"},"
                        + "\"messageId\":null}")) {
            TextChunks.Read read = TextChunks.read(mapper.readTree(json));
            assertNotNull(read, json);
            assertEquals(mapper.readValue(json, SessionUpdate.class), read.chunk(), json);
            // the same bytes in the journal, field order included, as the data binding wrote
            assertEquals(mapper.writeValueAsString(bound(json)), mapper.writeValueAsString(read.json()), json);
        }
    }

    @Test
    void anythingElseGoesTheGeneralWay() throws Exception {
        for (String json : List.of(
                "{\"sessionUpdate\":\"agent_message_chunk\",\"content\":{\"type\":\"text\",\"text\":\"x\"},"
                        + "\"_meta\":{\"a\":1}}",
                "{\"sessionUpdate\":\"agent_message_chunk\",\"content\":{\"type\":\"text\",\"text\":\"x\","
                        + "\"annotations\":{}}}",
                "{\"sessionUpdate\":\"agent_message_chunk\",\"content\":{\"type\":\"image\",\"data\":\"x\"}}",
                "{\"sessionUpdate\":\"agent_message_chunk\",\"content\":{\"type\":\"text\",\"text\":5}}",
                "{\"sessionUpdate\":\"agent_message_chunk\",\"content\":{\"type\":\"text\",\"text\":\"x\"},"
                        + "\"messageId\":7}",
                "{\"sessionUpdate\":\"tool_call\",\"content\":{\"type\":\"text\",\"text\":\"x\"}}",
                "{\"sessionUpdate\":\"agent_message_chunk\",\"content\":\"x\"}",
                "{\"content\":{\"type\":\"text\",\"text\":\"x\"}}",
                "[1]")) {
            assertNull(TextChunks.read(mapper.readTree(json)), json);
        }
        assertNull(TextChunks.read(null));
    }
}
