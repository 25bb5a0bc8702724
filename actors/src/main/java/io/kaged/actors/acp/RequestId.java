package io.kaged.actors.acp;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A JSON-RPC id: a number, a string or null. Integral numbers are held as one node type so that an id
 * the agent echoes as {@code 1} equals the {@code 1L} kaged sent, whatever width the parser chose.
 */
public record RequestId(JsonNode value) {

    public RequestId {
        if (value == null || value.isMissingNode()) {
            value = NullNode.getInstance();
        } else if (value.isIntegralNumber() && value.canConvertToLong()) {
            value = LongNode.valueOf(value.asLong());
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static RequestId of(JsonNode value) {
        return new RequestId(value);
    }

    public static RequestId of(long value) {
        return new RequestId(LongNode.valueOf(value));
    }

    public static RequestId of(String value) {
        return new RequestId(TextNode.valueOf(value));
    }

    @JsonValue
    @Override
    public JsonNode value() {
        return value;
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
