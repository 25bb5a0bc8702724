package io.kaged.actors.acp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The JSON-RPC 2.0 envelope, before the ACP meaning of its method is known. {@link JsonRpcCodec} turns a
 * line into one of these (or a {@link JsonRpcCodec.Malformed}); {@link AcpConnection} gives the params
 * and results their ACP types.
 */
public sealed interface JsonRpcMessage {

    record Request(RequestId id, String method, JsonNode params) implements JsonRpcMessage {}

    record Notification(String method, JsonNode params) implements JsonRpcMessage {}

    record Response(RequestId id, JsonNode result) implements JsonRpcMessage {}

    record ErrorResponse(RequestId id, RpcError error) implements JsonRpcMessage {}
}
