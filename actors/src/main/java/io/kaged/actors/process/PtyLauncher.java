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
 *
 * <p>The poller (its thread, its buffer and JNA's native part) starts with the first process: a daemon
 * without sessions does not load them (docs/adr/0076-an-idle-daemon-loads-what-it-uses.md).
 */
public final class PtyLauncher implements ProcessLauncher, AutoCloseable {

    private final int readBufferBytes;
    private PtyPoller poller;
    private boolean closed;

    public PtyLauncher(int readBufferBytes) {
        this.readBufferBytes = readBufferBytes;
    }

    private synchronized PtyPoller poller() throws IOException {
        if (closed) {
            throw new IOException("the pty launcher is closed");
        }
        if (poller == null) {
            poller = new PtyPoller(readBufferBytes, "kaged-pty-poller");
        }
        return poller;
    }

    @Override
    public RunningProcess start(ProcessSpec spec, ProcessOutput sink) throws IOException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putIfAbsent("TERM", "xterm-256color");
        env.putAll(spec.env());
        PtyPoller reader = poller();
        PtyChild child = PtyChild.start(spec, env);
        reader.add(new PtyPoller.Source(child, sink));
        return child;
    }

    /** The number of ptys still read or waiting for their process's exit (for tests). */
    synchronized int reading() {
        return poller == null ? 0 : poller.size();
    }

    /** Whether the poller has started (for tests). */
    synchronized boolean polling() {
        return poller != null;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (poller != null) {
            poller.close();
        }
    }
}
