package io.kaged.actors.process;

import java.io.IOException;

/**
 * A process that asked for a sandbox was not started: the sandbox cannot be set up here and the spec
 * requires one. Retrying does not help, so an attempt refused this way is not retried.
 */
public final class SandboxRefused extends IOException {

    public SandboxRefused(String reason) {
        super(reason);
    }

    /** Whether {@code failure}, or what caused it, is a refusal. */
    public static boolean isCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SandboxRefused) {
                return true;
            }
        }
        return false;
    }
}
