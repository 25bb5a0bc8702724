package io.kaged.actors.acp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * A streamed chunk's line read token by token gives what the general path (the codec's tree, then
 * {@link TextChunks#read}) gives, whatever the text, the field order and the spacing; and any line off the
 * common shape is left to the general path.
 */
class TextChunkLinesTest {

    private static final ObjectMapper JSON = AcpJson.mapper();
    private static final JsonRpcCodec CODEC = new JsonRpcCodec();

    /** The general path's reading of a line: the update it would deliver, or null. */
    private static AgentMessage.Update general(String line) {
        JsonRpcCodec.Decoded decoded = CODEC.decode(line);
        if (!(decoded instanceof JsonRpcCodec.Message m)
                || !(m.message() instanceof JsonRpcMessage.Notification n)
                || !Acp.SESSION_UPDATE.equals(n.method())) {
            return null;
        }
        TextChunks.Read read = TextChunks.read(n.params().get("update"));
        JsonNode sessionId = n.params().get("sessionId");
        return read == null || sessionId == null || !sessionId.isTextual()
                ? null
                : new AgentMessage.Update(sessionId.textValue(), read.chunk());
    }

    /** The object's fields in a shuffled order, with random spacing between tokens. */
    private static String write(ObjectNode node, Random random) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        Collections.shuffle(names, random);
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < names.size(); i++) {
            JsonNode value = node.get(names.get(i));
            out.append(i == 0 ? "" : ",").append(space(random));
            out.append(JSON.valueToTree(names.get(i)).toString())
                    .append(space(random))
                    .append(':');
            out.append(space(random));
            out.append(value instanceof ObjectNode o ? write(o, random) : value.toString());
        }
        return out.append(space(random)).append('}').toString();
    }

    private static String space(Random random) {
        return List.of("", "", " ", "\t", "  ").get(random.nextInt(5));
    }

    private static ObjectNode line(String kind, String text, String messageId, boolean nullMessageId) {
        ObjectNode line = JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "session/update");
        ObjectNode params = line.putObject("params").put("sessionId", "s-1");
        ObjectNode update = params.putObject("update").put("sessionUpdate", kind);
        update.putObject("content").put("type", "text").put("text", text);
        if (messageId != null) {
            update.put("messageId", messageId);
        } else if (nullMessageId) {
            update.putNull("messageId");
        }
        return line;
    }

    @Provide
    Arbitrary<String> kinds() {
        return Arbitraries.of("agent_message_chunk", "agent_thought_chunk", "user_message_chunk");
    }

    @Property(tries = 500)
    void aChunkReadsAsTheGeneralPathReadsIt(
            @ForAll("kinds") String kind,
            @ForAll String text,
            @ForAll @IntRange(min = 0, max = 2) int messageIdForm,
            @ForAll long seed) {
        String line =
                write(line(kind, text, messageIdForm == 1 ? "m-" + seed : null, messageIdForm == 2), new Random(seed));
        AgentMessage.Update fast = TextChunks.readLine(line);
        assertNotNull(fast, line);
        assertEquals(general(line), fast, line);
    }

    @Test
    void anythingOffTheCommonShapeIsLeftToTheGeneralPath() {
        String good = line("agent_message_chunk", "x", null, false).toString();
        assertNotNull(TextChunks.readLine(good));
        List<String> others = new ArrayList<>();
        others.add(good.replace("\"jsonrpc\":\"2.0\"", "\"jsonrpc\":\"2.0\",\"id\":1")); // a request
        others.add(good.replace("\"jsonrpc\":\"2.0\"", "\"jsonrpc\":\"1.0\""));
        others.add(good.replace("session/update", "session/other"));
        others.add(good.replace("\"sessionId\":\"s-1\"", "\"sessionId\":\"s-1\",\"_meta\":{}"));
        others.add(good.replace("\"sessionId\":\"s-1\"", "\"sessionId\":7"));
        others.add(good.replace("\"type\":\"text\"", "\"type\":\"text\",\"annotations\":{}"));
        others.add(good.replace("\"type\":\"text\"", "\"type\":\"image\""));
        others.add(good.replace("\"text\":\"x\"", "\"text\":5"));
        others.add(good.replace("agent_message_chunk", "tool_call"));
        others.add(good.replace("\"jsonrpc\":\"2.0\"", "\"jsonrpc\":\"2.0\",\"jsonrpc\":\"2.0\"")); // twice
        others.add(good.replace("\"text\":\"x\"", "\"text\":\"x\",\"text\":\"y\""));
        others.add(good + "{}"); // input after the message
        others.add(good + " x");
        others.add(good.substring(0, good.length() - 1)); // cut short
        others.add("[" + good + "]");
        others.add("not json");
        others.add("");
        for (String line : others) {
            assertNull(TextChunks.readLine(line), line);
        }
        // not UTF-8: the general path decodes it with replacement characters, as it always did
        byte[] bytes = good.getBytes(StandardCharsets.UTF_8);
        byte[] broken = new byte[bytes.length + 2];
        int x = good.indexOf("\"x\"") + 1;
        System.arraycopy(bytes, 0, broken, 0, x);
        broken[x] = (byte) 0xC3;
        broken[x + 1] = (byte) 0x28;
        System.arraycopy(bytes, x, broken, x + 2, bytes.length - x);
        assertNull(TextChunks.readLine(broken, broken.length));
        assertNotNull(general(new String(broken, StandardCharsets.UTF_8)));
    }
}
