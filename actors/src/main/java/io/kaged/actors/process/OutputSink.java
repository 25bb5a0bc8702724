package io.kaged.actors.process;

/** Receives an attempt's output by stream and then its end, from the process's reader threads. */
public interface OutputSink {

    /** A chunk of {@code stream}; may block while the actor is behind (back-pressure on the reader). */
    void output(String stream, byte[] chunk) throws InterruptedException;

    /** The process ended after all its output was delivered. */
    void exited(int exitCode);

    /** This sink for a launcher of one merged stream (a pty), whose output goes to {@code stream}. */
    default ProcessOutput as(String stream) {
        OutputSink sink = this;
        return new ProcessOutput() {
            @Override
            public void output(byte[] chunk) throws InterruptedException {
                sink.output(stream, chunk);
            }

            @Override
            public void exited(int exitCode) {
                sink.exited(exitCode);
            }
        };
    }
}
