package io.kaged.actors.process;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One process's output that is read but not yet taken by its actor (a run attempt's pipes, a session's
 * pty), filled by the reader threads and drained by the actor. A process that writes faster than the
 * store records makes its readers wait here, so the pipe fills and the process waits too: memory stays
 * bounded. The actor is told only when the buffer was empty or has just reached a batch's worth, so it
 * takes many reads at once instead of one message per read: at 4 KiB per pty read, per-message work in
 * an event-sourced actor was a fifth of a session's CPU, and messages stashed while a write is in flight
 * would pile up without bound.
 *
 * <p>A reader that must not wait (the one thread that reads every pty) {@link #offer}s instead: the
 * chunk is always taken, and when the buffer is full the reader is told so and called back on the next
 * drain; it reads nothing more from that process until then, so memory stays bounded the same way.
 */
public final class OutputBuffer {

    private final long maxBytes;
    private final long signalBytes;
    private final Map<String, ByteArrayOutputStream> streams = new LinkedHashMap<>();
    private final List<Runnable> whenRoom = new ArrayList<>();
    private long size;
    private boolean closed;

    /**
     * @param signalBytes {@link #append} asks for a signal when this many bytes wait, so a batch is
     *     recorded without waiting for the flush interval
     * @param maxBytes readers wait while this many bytes wait
     */
    public OutputBuffer(long signalBytes, long maxBytes) {
        this.signalBytes = signalBytes;
        this.maxBytes = maxBytes;
    }

    /**
     * Adds a chunk, waiting while the buffer is full. Returns whether the actor should be told: the buffer
     * was empty, or has just reached a batch's worth.
     */
    public synchronized boolean append(String stream, byte[] chunk) throws InterruptedException {
        while (size >= maxBytes && !closed) {
            wait();
        }
        if (closed) {
            return false;
        }
        long before = size;
        streams.computeIfAbsent(stream, k -> new ByteArrayOutputStream()).writeBytes(chunk);
        size += chunk.length;
        return before == 0 || (before < signalBytes && size >= signalBytes);
    }

    /** What {@link #offer} did: whether to tell the actor, and whether the reader must stop for now. */
    public record Offered(boolean signal, boolean full) {}

    /**
     * Adds a chunk without waiting. When the buffer is full after it, {@code resume} runs once on the
     * next {@link #drain} or {@link #close} (on the thread that calls those), and the reader offers nothing
     * more until then. A closed buffer drops the chunk.
     */
    public synchronized Offered offer(String stream, byte[] chunk, Runnable resume) {
        if (closed) {
            return new Offered(false, false);
        }
        long before = size;
        streams.computeIfAbsent(stream, k -> new ByteArrayOutputStream()).writeBytes(chunk);
        size += chunk.length;
        boolean full = size >= maxBytes;
        if (full) {
            whenRoom.add(resume);
        }
        return new Offered(before == 0 || (before < signalBytes && size >= signalBytes), full);
    }

    /** Everything waiting, by stream in the order the streams first wrote; the buffer is empty after. */
    public Map<String, byte[]> drain() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        List<Runnable> resumed;
        synchronized (this) {
            for (Map.Entry<String, ByteArrayOutputStream> e : streams.entrySet()) {
                if (e.getValue().size() > 0) {
                    out.put(e.getKey(), e.getValue().toByteArray());
                    e.getValue().reset();
                }
            }
            size = 0;
            notifyAll();
            resumed = takeWaiting();
        }
        resumed.forEach(Runnable::run);
        return out;
    }

    private List<Runnable> takeWaiting() {
        if (whenRoom.isEmpty()) {
            return List.of();
        }
        List<Runnable> taken = List.copyOf(whenRoom);
        whenRoom.clear();
        return taken;
    }

    public synchronized long size() {
        return size;
    }

    /** Drops what waits and lets readers go: the attempt's output is no longer wanted (a rollback). */
    public void close() {
        List<Runnable> resumed;
        synchronized (this) {
            closed = true;
            streams.clear();
            size = 0;
            notifyAll();
            resumed = takeWaiting();
        }
        resumed.forEach(Runnable::run);
    }
}
