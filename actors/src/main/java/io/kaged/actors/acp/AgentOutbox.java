package io.kaged.actors.acp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The lines kaged writes to one agent's stdin. Any thread queues a line and returns; the lines are written in
 * order on the writer executor, at most one drain at a time, so an agent that stops reading its input fills
 * its pipe without ever blocking the run actor that answers it.
 */
final class AgentOutbox {

    private final OutputStream toAgent;
    private final Executor writer;
    private final Consumer<IOException> failed;
    private final Queue<String> lines = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    /** @param failed told once a write fails; the lines still queued are dropped with it */
    AgentOutbox(OutputStream toAgent, Executor writer, Consumer<IOException> failed) {
        this.toAgent = toAgent;
        this.writer = writer;
        this.failed = failed;
    }

    /** Queues one line, without its newline. */
    void add(String line) {
        lines.add(line);
        if (draining.compareAndSet(false, true)) {
            writer.execute(this::drain);
        }
    }

    private void drain() {
        try {
            while (true) {
                String line;
                while ((line = lines.poll()) != null) {
                    toAgent.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                }
                toAgent.flush();
                draining.set(false);
                // a line queued after the last poll, by a thread that saw this drain still running
                if (lines.isEmpty() || !draining.compareAndSet(false, true)) {
                    return;
                }
            }
        } catch (IOException e) {
            draining.set(false);
            lines.clear();
            failed.accept(e);
        }
    }
}
