package io.kaged.actors.run;

/**
 * A run as its actor knows it, for replies to commands.
 *
 * @param cancelledDescendants in the answer to a cancel: how many of the run's descendants it stopped;
 *     null in every other answer
 */
public record RunSummary(String id, String state, Integer exitCode, int attempts, Integer cancelledDescendants) {

    public RunSummary(String id, String state, Integer exitCode, int attempts) {
        this(id, state, exitCode, attempts, null);
    }

    RunSummary withCancelledDescendants(int count) {
        return new RunSummary(id, state, exitCode, attempts, count);
    }
}
