package io.kaged.actors.process;

import java.time.Duration;

/**
 * The refusal of a command that needed the process while it was not there yet (a session starting, a run
 * queued or recovering) and could not wait for it: too many commands were already waiting, or the process
 * did not come within {@code max-command-wait}. The request was right and the state allows it; only the
 * timing did not, so the HTTP layer answers 503 with {@code Retry-After: retryAfter} rather than a 409.
 * Nothing of the command was applied.
 */
public final class ProcessNotReady extends RuntimeException {

    private final Duration retryAfter;

    public ProcessNotReady(String message, Duration retryAfter) {
        super(message, null, false, false);
        this.retryAfter = retryAfter;
    }

    /** How long the client should wait before sending the command again. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
