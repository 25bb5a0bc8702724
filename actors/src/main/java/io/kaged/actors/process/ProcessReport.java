package io.kaged.actors.process;

/**
 * What a {@link SupervisedProcess} tells its actor: a process started or could not, its output is
 * waiting, it ended, a timer fired. Each names the attempt it belongs to (the core's own launch count),
 * so a report of an attempt that is no longer current is told apart.
 */
public sealed interface ProcessReport extends ProcessMessage {

    record Launched(int attempt, RunningProcess process) implements ProcessReport {}

    /** @param sandboxRefused the process was not started because its required sandbox cannot be set up */
    record LaunchFailed(int attempt, String reason, boolean sandboxRefused) implements ProcessReport {
        public LaunchFailed(int attempt, String reason) {
            this(attempt, reason, false);
        }
    }

    /** The attempt's {@link OutputBuffer} has bytes waiting: it was empty, or has reached a batch's worth. */
    record OutputWaiting(int attempt) implements ProcessReport {}

    /** The process ended after all its output was read. */
    record Exited(int attempt, int exitCode) implements ProcessReport {}

    /** The output gathered since its first byte has waited {@code flush-interval}: record it. */
    enum FlushDue implements ProcessReport {
        INSTANCE
    }

    /** The backoff before the next attempt is over. */
    enum LaunchDue implements ProcessReport {
        INSTANCE
    }

    /** The kill grace of a process asked to end is over. */
    record KillDue(long pid) implements ProcessReport {}

    /** Recovery found the actor live: the process it had is gone with the daemon that ran it. */
    enum RecoveredLive implements ProcessReport {
        INSTANCE
    }

    /** Processes of an earlier daemon that still carried this id are gone. */
    enum OrphansReaped implements ProcessReport {
        INSTANCE
    }

    /** Commands have waited {@code max-command-wait} for a process that is not there yet. */
    enum WaitExpired implements ProcessReport {
        INSTANCE
    }
}
