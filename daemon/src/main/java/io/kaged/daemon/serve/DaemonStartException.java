package io.kaged.daemon.serve;

/** The daemon cannot start; the message says why and what to do. */
public final class DaemonStartException extends RuntimeException {
    public DaemonStartException(String message, Throwable cause) {
        super(message, cause);
    }

    public DaemonStartException(String message) {
        super(message);
    }
}
