package io.kaged.actors.acp;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * While an agent streams a reply, its connection's reader lets the agent's lines gather in the pipe between
 * reads. An agent writes each update with a {@code write(2)} of its own; a reader that reads as soon as anything
 * is there wakes at nearly every one and takes a line or two, and on a small host the two processes then spend
 * more on waking each other than on the lines: the agent writes at about two thirds of its rate to
 * {@code /dev/null}, and kaged pays a read, a parse set-up and a hand-off for every line. Pausing
 * {@link #PAUSE_NANOS} before the next read, when the last line was a streamed chunk and the last read found less
 * than {@link #FULL_READ}, lets the agent fill the pipe undisturbed and lets one read take what it wrote
 * (ADR-0082).
 *
 * <p>Only a stream is paced: a request (a permission, a file, a terminal), a response or anything else that is not
 * a plain text chunk is read without a pause, so the permission round trip does not wait for it. A stream's end
 * waits one pause at most.
 */
final class StreamPacing {

    /** A read this large found the pipe well filled: read again at once, the agent is ahead. */
    static final int FULL_READ = 32 * 1024;

    /**
     * A tenth of the time a fast agent takes to fill a 64 KiB pipe (about 2 ms, at 3 µs for a line of 100 bytes):
     * the pipe does not fill while the reader pauses. 600 µs measured no better.
     */
    static final long PAUSE_NANOS = 200_000;

    private final LongConsumer pause;
    private boolean streaming;

    StreamPacing() {
        this(LockSupport::parkNanos);
    }

    StreamPacing(LongConsumer pause) {
        this.pause = pause;
    }

    /** Whether the line just read was a streamed text chunk. */
    void streamed(boolean chunk) {
        streaming = chunk;
    }

    /** Before a read of the agent's output, {@code lastRead} bytes having come with the read before it. */
    void beforeRead(int lastRead) {
        if (streaming && lastRead < FULL_READ) {
            pause.accept(PAUSE_NANOS);
        }
    }
}
