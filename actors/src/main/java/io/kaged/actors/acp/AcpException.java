package io.kaged.actors.acp;

/**
 * How a request kaged made fails: the agent answered with an error ({@link #error} set), or the connection
 * ended before the answer came ({@link #error} null). Futures complete exceptionally with it.
 */
public final class AcpException extends RuntimeException {

    private final transient RpcError error;

    public AcpException(String method, RpcError error) {
        super(method + " failed: " + error.message() + " (" + error.code() + ")");
        this.error = error;
    }

    public AcpException(String message) {
        super(message);
        this.error = null;
    }

    public RpcError error() {
        return error;
    }
}
