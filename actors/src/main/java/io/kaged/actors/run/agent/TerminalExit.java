package io.kaged.actors.run.agent;

import io.kaged.actors.acp.ClientResponse;
import io.kaged.actors.run.RunSummary;
import java.util.Map;
import java.util.Set;

/**
 * A terminal's exit status as ACP has it ({@code exitCode}, {@code signal}), from its child run's summary. The
 * JDK and bubblewrap report a process ended by signal N as the status 128 + N, so such a status is read as the
 * signal: a program that itself exits with 130 or 143 is reported as SIGINT or SIGTERM too.
 */
final class TerminalExit {

    private static final Set<String> FINISHED = Set.of("succeeded", "failed", "cancelled", "timed-out", "interrupted");

    private static final Map<Integer, String> SIGNALS = Map.of(
            1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 6, "SIGABRT", 9, "SIGKILL", 13, "SIGPIPE", 14, "SIGALRM", 15,
            "SIGTERM");

    private TerminalExit() {}

    /**
     * Whether the child's process has ended. A cancel finishes the run at once and its process's exit comes a
     * moment later (after SIGTERM, or SIGKILL after the grace): a cancelled run with an attempt has ended when its
     * exit code is recorded.
     */
    static boolean ended(RunSummary s) {
        if (!FINISHED.contains(s.state())) {
            return false;
        }
        return s.exitCode() != null || !"cancelled".equals(s.state()) || s.attempts() == 0;
    }

    /** The exit status of an ended child; null while it runs. */
    static ClientResponse.ExitStatus of(RunSummary s) {
        if (!ended(s)) {
            return null;
        }
        Integer code = s.exitCode();
        if (code != null && code > 128 && code < 160) {
            return new ClientResponse.ExitStatus(null, SIGNALS.getOrDefault(code - 128, "SIG" + (code - 128)));
        }
        return new ClientResponse.ExitStatus(code, null);
    }
}
