package io.kaged.actors.process;

import io.kaged.actors.process.ProcessReport.FlushDue;
import io.kaged.actors.process.SupervisedProcess.Batch;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The output pipeline of a {@link SupervisedProcess}: the current attempt's {@link OutputBuffer}, which its
 * readers fill, and the output taken from it but not yet recorded, by stream, with the {@link FlushDue}
 * timer that records it {@code flush-interval} after its first byte. Not thread-safe: used from its actor
 * only.
 */
final class UnrecordedOutput {

    private final TimerScheduler<ProcessMessage> timers;
    private final ProcessSettings settings;

    private OutputBuffer buffer;
    private final Map<String, ByteArrayOutputStream> unrecorded = new LinkedHashMap<>();
    private long unrecordedBytes;
    private boolean flushScheduled;

    UnrecordedOutput(TimerScheduler<ProcessMessage> timers, ProcessSettings settings) {
        this.timers = timers;
        this.settings = settings;
    }

    /** The buffer of a new attempt, which its readers fill from now on. */
    OutputBuffer newAttempt() {
        buffer = new OutputBuffer(settings.flushBytes(), settings.maxUnrecordedBytes());
        return buffer;
    }

    /**
     * Takes what waits into the output not yet recorded ({@code live} sees it first). Returns whether a
     * batch's worth waits now; if not, {@link FlushDue} is scheduled.
     */
    boolean waiting(Consumer<Batch> live) {
        take(live);
        if (unrecordedBytes >= settings.flushBytes()) {
            return true;
        }
        if (!flushScheduled && unrecordedBytes > 0) {
            flushScheduled = true;
            timers.startSingleTimer(FlushDue.INSTANCE, settings.flushInterval());
        }
        return false;
    }

    void take(Consumer<Batch> live) {
        if (buffer == null) {
            return;
        }
        for (Map.Entry<String, byte[]> e : buffer.drain().entrySet()) {
            unrecorded
                    .computeIfAbsent(e.getKey(), k -> new ByteArrayOutputStream())
                    .writeBytes(e.getValue());
            unrecordedBytes += e.getValue().length;
            live.accept(new Batch(e.getKey(), e.getValue()));
        }
    }

    /** The output not yet recorded, by stream, in batches of at most {@code flush-bytes}; none is left after. */
    List<Batch> batches() {
        flushScheduled = false;
        timers.cancel(FlushDue.INSTANCE);
        List<Batch> batches = new ArrayList<>();
        for (Map.Entry<String, ByteArrayOutputStream> e : unrecorded.entrySet()) {
            for (byte[] slice : SupervisedProcess.slices(e.getValue().toByteArray(), settings.flushBytes())) {
                batches.add(new Batch(e.getKey(), slice));
            }
        }
        unrecorded.clear();
        unrecordedBytes = 0;
        return batches;
    }

    /** What of {@code stream} is taken but not recorded yet. */
    byte[] unrecorded(String stream) {
        ByteArrayOutputStream out = unrecorded.get(stream);
        return out == null ? new byte[0] : out.toByteArray();
    }

    /** What the current attempt prints from now on is dropped. */
    void discard() {
        close();
        buffer = null;
    }

    /** No output waits to be taken or recorded, and no flush is due. */
    boolean idle() {
        return !flushScheduled && unrecordedBytes == 0 && (buffer == null || buffer.size() == 0);
    }

    /** A reader waiting for room in the buffer must not wait forever. */
    void close() {
        if (buffer != null) {
            buffer.close();
        }
    }

    /** Everything of the attempt is forgotten (the actor restarts). */
    void forget() {
        buffer = null;
        unrecorded.clear();
        unrecordedBytes = 0;
        flushScheduled = false;
    }
}
