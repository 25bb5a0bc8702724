package io.kaged.actors.acp;

import com.fasterxml.jackson.databind.JsonNode;

/** A JSON-RPC error object, as ACP uses it (standard codes plus ACP's own). */
public record RpcError(int code, String message, JsonNode data) {

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    public static final int REQUEST_CANCELLED = -32800;
    public static final int AUTH_REQUIRED = -32000;
    public static final int RESOURCE_NOT_FOUND = -32002;

    public static RpcError of(int code, String message) {
        return new RpcError(code, message, null);
    }

    public boolean authRequired() {
        return code == AUTH_REQUIRED;
    }
}
