package io.kaged.actors.process;

/** Receives an attempt's output by stream and then its end, from the process's readers. */
public interface OutputSink {

    /** A chunk of {@code stream}; may block while the actor is behind (back-pressure on the reader). */
    void output(String stream, byte[] chunk) throws InterruptedException;

    /**
     * A chunk of {@code stream}, taken without waiting; false when the actor is behind, and then
     * {@code resume} runs once when it has caught up (see {@link ProcessOutput#offer}).
     */
    boolean offer(String stream, byte[] chunk, Runnable resume);

    /** The process ended after all its output was delivered. */
    void exited(int exitCode);

    /** This sink for a launcher of one merged stream (a pty), whose output goes to {@code stream}. */
    default ProcessOutput as(String stream) {
        OutputSink sink = this;
        return new ProcessOutput() {
            @Override
            public boolean offer(byte[] chunk, Runnable resume) {
                return sink.offer(stream, chunk, resume);
            }

            @Override
            public void exited(int exitCode) {
                sink.exited(exitCode);
            }
        };
    }
}
