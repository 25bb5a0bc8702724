package io.kaged.actors.process;

import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One process's output that is read but not yet taken by its actor (a run attempt's pipes, a session's
 * pty), filled by the reader threads and drained by the actor. A process that writes faster than the
 * store records makes its readers wait here, so the pipe fills and the process waits too: memory stays
 * bounded. The actor is told only when the buffer was empty or has just reached a batch's worth, so it
 * takes many reads at once instead of one message per read: at 4 KiB per pty read, per-message work in
 * an event-sourced actor was a fifth of a session's CPU, and messages stashed while a write is in flight
 * would pile up without bound.
 */
public final class OutputBuffer {

    private final long maxBytes;
    private final long signalBytes;
    private final Map<String, ByteArrayOutputStream> streams = new LinkedHashMap<>();
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

    /** Everything waiting, by stream in the order the streams first wrote; the buffer is empty after. */
    public synchronized Map<String, byte[]> drain() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, ByteArrayOutputStream> e : streams.entrySet()) {
            if (e.getValue().size() > 0) {
                out.put(e.getKey(), e.getValue().toByteArray());
                e.getValue().reset();
            }
        }
        size = 0;
        notifyAll();
        return out;
    }

    public synchronized long size() {
        return size;
    }

    /** Drops what waits and lets readers go: the attempt's output is no longer wanted (a rollback). */
    public synchronized void close() {
        closed = true;
        streams.clear();
        size = 0;
        notifyAll();
    }
}
