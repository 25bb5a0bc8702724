package io.kaged.actors.process;

/** Receives a process's output and its end, from the process's reader thread, in order. */
public interface ProcessOutput {

    /** A chunk of output; may block while the receiver is behind (back-pressure on the reader). */
    void output(byte[] chunk) throws InterruptedException;

    /** The process ended after all its output was delivered. */
    void exited(int exitCode);
}
