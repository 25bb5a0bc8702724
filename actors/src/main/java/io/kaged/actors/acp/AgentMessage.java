package io.kaged.actors.acp;

/**
 * What an {@link AcpConnection} hands the run actor: the agent's requests and updates, typed, and the
 * connection's own faults and end. These are the only messages that cross from the protocol to the actor.
 */
public sealed interface AgentMessage {

    /** A request to answer with {@link AcpConnection#respond} or {@link AcpConnection#respondError}. */
    record Request(RequestId id, AgentRequest request) implements AgentMessage {}

    /**
     * A {@code session/update} notification, or the text chunks of {@code lines} consecutive ones of one message as
     * the connection joined them ({@link ChunkJoiner}).
     */
    record Update(String sessionId, SessionUpdate update, int lines) implements AgentMessage {
        public Update(String sessionId, SessionUpdate update) {
            this(sessionId, update, 1);
        }
    }

    /**
     * The agent withdrew one of its own requests ({@code $/cancel_request}). The request still wants one
     * answer: an error {@link RpcError#REQUEST_CANCELLED}, or its result if that is already on its way.
     */
    record RequestWithdrawn(RequestId id) implements AgentMessage {}

    /**
     * Something the agent sent that kaged could not use. The connection has already done what JSON-RPC asks
     * (an error answer to a bad request) and goes on reading; the run records the fault.
     */
    record Fault(FaultKind kind, String detail, String excerpt) implements AgentMessage {}

    enum FaultKind {
        /** Not JSON, or not a JSON-RPC 2.0 message. */
        MALFORMED_LINE,
        /** Longer than the connection's line bound; skipped whole. */
        OVERSIZED_LINE,
        /** A request for a method kaged does not serve (answered -32601). */
        UNKNOWN_METHOD,
        /** A request whose params do not fit its method (answered -32602). */
        INVALID_PARAMS,
        /** A notification kaged does not know, or a session/update it cannot read. */
        BAD_NOTIFICATION,
        /** A response to no request kaged has outstanding. */
        UNMATCHED_RESPONSE,
        /** Writing to the agent's stdin failed; the connection closes. */
        WRITE_FAILED
    }

    /** The agent's output ended (EOF, or a read error named in {@code reason}); nothing more will come. */
    record Closed(String reason) implements AgentMessage {}
}
