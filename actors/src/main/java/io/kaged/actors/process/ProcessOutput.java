package io.kaged.actors.process;

/**
 * Receives a process's output and its end, in order, from the one thread that reads every pty: so it
 * never waits for its receiver (one session that is behind must not hold up the others).
 */
public interface ProcessOutput {

    /**
     * A chunk of output, taken without waiting. True: more may follow at once. False: the receiver is
     * behind; it runs {@code resume} once when it has room, and nothing more is read from this process
     * until then (so the pty fills and the process waits, as a full pipe makes it).
     */
    boolean offer(byte[] chunk, Runnable resume);

    /** The process ended after all its output was delivered. */
    void exited(int exitCode);
}
