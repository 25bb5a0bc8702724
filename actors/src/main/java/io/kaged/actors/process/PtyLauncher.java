package io.kaged.actors.process;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts processes in a pseudo-terminal ({@link PtyChild}, with pty4j's native part). One {@link PtyPoller}
 * thread, {@code kaged-pty-poller}, reads every pty this launcher started and reaps its child: a pty read
 * may block, so it never runs on an actor dispatcher, and a thread per pty (and pty4j's per child) cost a
 * stack and its bookkeeping per idle session. The child is a session leader (its pid is its process-group
 * id), so signals go to the group.
 */
public final class PtyLauncher implements ProcessLauncher, AutoCloseable {

    private final PtyPoller poller;

    public PtyLauncher(int readBufferBytes) {
        this.poller = new PtyPoller(readBufferBytes, "kaged-pty-poller");
    }

    @Override
    public RunningProcess start(ProcessSpec spec, ProcessOutput sink) throws IOException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putIfAbsent("TERM", "xterm-256color");
        env.putAll(spec.env());
        PtyChild child = PtyChild.start(spec, env);
        poller.add(new PtyPoller.Source(child, sink));
        return child;
    }

    /** The number of ptys still read or waiting for their process's exit (for tests). */
    int reading() {
        return poller.size();
    }

    @Override
    public void close() {
        poller.close();
    }
}
