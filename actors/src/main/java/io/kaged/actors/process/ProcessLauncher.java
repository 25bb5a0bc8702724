package io.kaged.actors.process;

import java.io.IOException;

/** Starts processes; the pty implementation is {@link PtyLauncher}, tests may supply another. */
public interface ProcessLauncher {

    /**
     * Starts the process and a reader that delivers its output to {@code sink} until it exits. Blocking:
     * call from a thread that may block, never from an actor.
     */
    RunningProcess start(ProcessSpec spec, ProcessOutput sink) throws IOException;
}
