package io.kaged.actors.acp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One JSON-RPC message per line, both ways. Decoding never throws: a line that is not a JSON-RPC 2.0
 * message comes back as {@link Malformed} with the reason and the start of the line, for the run's record.
 */
public final class JsonRpcCodec {

    /** How much of a bad line a fault keeps: enough to recognise it, never a whole huge line. */
    static final int EXCERPT_CHARS = 200;

    private final ObjectMapper mapper = AcpJson.mapper();

    /** What one line decoded to. */
    public sealed interface Decoded {}

    public record Message(JsonRpcMessage message) implements Decoded {}

    public record Malformed(String reason, String excerpt) implements Decoded {}

    public Decoded decode(String line) {
        JsonNode node;
        try {
            node = mapper.readTree(line);
        } catch (JsonProcessingException e) {
            return new Malformed("not JSON: " + e.getOriginalMessage(), excerpt(line));
        }
        if (node == null || !node.isObject()) {
            return new Malformed("not a JSON object", excerpt(line));
        }
        if (!"2.0".equals(node.path("jsonrpc").asText(null))) {
            return new Malformed("jsonrpc is not \"2.0\"", excerpt(line));
        }
        JsonNode method = node.get("method");
        boolean hasId = node.has("id");
        if (method != null) {
            if (!method.isTextual()) {
                return new Malformed("method is not a string", excerpt(line));
            }
            JsonNode params = node.path("params");
            params = params.isMissingNode() ? NullNode.getInstance() : params;
            return new Message(
                    hasId
                            ? new JsonRpcMessage.Request(RequestId.of(node.get("id")), method.asText(), params)
                            : new JsonRpcMessage.Notification(method.asText(), params));
        }
        if (!hasId) {
            return new Malformed("neither a method nor an id", excerpt(line));
        }
        RequestId id = RequestId.of(node.get("id"));
        if (node.has("error")) {
            JsonNode error = node.get("error");
            if (!error.isObject() || !error.path("code").isInt()) {
                return new Malformed("error has no integer code", excerpt(line));
            }
            return new Message(new JsonRpcMessage.ErrorResponse(
                    id,
                    new RpcError(
                            error.get("code").asInt(), error.path("message").asText(""), error.get("data"))));
        }
        if (node.has("result")) {
            return new Message(new JsonRpcMessage.Response(id, node.get("result")));
        }
        return new Malformed("a response with neither result nor error", excerpt(line));
    }

    /** The message as one line, without the trailing newline. */
    public String encode(JsonRpcMessage message) {
        ObjectNode node = mapper.createObjectNode().put("jsonrpc", "2.0");
        if (message instanceof JsonRpcMessage.Request r) {
            node.set("id", r.id().value());
            node.put("method", r.method());
            putParams(node, r.params());
        } else if (message instanceof JsonRpcMessage.Notification n) {
            node.put("method", n.method());
            putParams(node, n.params());
        } else if (message instanceof JsonRpcMessage.Response r) {
            node.set("id", r.id().value());
            node.set("result", r.result() == null ? NullNode.getInstance() : r.result());
        } else if (message instanceof JsonRpcMessage.ErrorResponse e) {
            node.set("id", e.id().value());
            node.set("error", mapper.valueToTree(e.error()));
        }
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    private static void putParams(ObjectNode node, JsonNode params) {
        if (params != null && !params.isNull() && !params.isMissingNode()) {
            node.set("params", params);
        }
    }

    static String excerpt(String line) {
        return line.length() <= EXCERPT_CHARS ? line : line.substring(0, EXCERPT_CHARS) + "…";
    }
}
