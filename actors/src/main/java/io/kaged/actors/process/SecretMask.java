package io.kaged.actors.process;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replaces the values of a process's secrets with {@code ***} in its output before anything records it.
 * A value split across two reads is still found: the end of a chunk that could begin a value is held back
 * until the next chunk (or the exit) tells. Only such a possible beginning is held, so output that cannot
 * be part of a secret goes on at once; an interactive session whose last byte typed matches a value's first
 * sees its echo with the next output instead.
 */
public final class SecretMask {

    private static final byte[] MASK = "***".getBytes(StandardCharsets.UTF_8);

    /** Longest first, so a value that contains another is masked whole. */
    private final List<byte[]> values;

    private final Map<String, byte[]> held = new HashMap<>();

    public SecretMask(List<String> secretValues) {
        this.values = secretValues.stream()
                .filter(v -> !v.isEmpty())
                .distinct()
                .map(v -> v.getBytes(StandardCharsets.UTF_8))
                .sorted(Comparator.comparingInt((byte[] b) -> b.length).reversed())
                .toList();
    }

    /** {@code sink} behind a mask of {@code secretValues}; {@code sink} itself when there are none. */
    public static OutputSink wrap(OutputSink sink, List<String> secretValues) {
        if (secretValues.isEmpty()) {
            return sink;
        }
        SecretMask mask = new SecretMask(secretValues);
        return new OutputSink() {
            @Override
            public void output(String stream, byte[] chunk) throws InterruptedException {
                byte[] shown = mask.next(stream, chunk);
                if (shown.length > 0) {
                    sink.output(stream, shown);
                }
            }

            @Override
            public boolean offer(String stream, byte[] chunk, Runnable resume) {
                byte[] shown = mask.next(stream, chunk);
                return shown.length == 0 || sink.offer(stream, shown, resume);
            }

            @Override
            public void exited(int exitCode) {
                // the sink takes an offered chunk even when it is full, so the held-back rest is never lost
                for (Map.Entry<String, byte[]> rest : mask.drain().entrySet()) {
                    sink.offer(rest.getKey(), rest.getValue(), () -> {});
                }
                sink.exited(exitCode);
            }
        };
    }

    /** {@code sink} behind a mask of {@code secretValues}; {@code sink} itself when there are none. */
    public static ProcessOutput wrap(ProcessOutput sink, List<String> secretValues) {
        if (secretValues.isEmpty()) {
            return sink;
        }
        SecretMask mask = new SecretMask(secretValues);
        return new ProcessOutput() {
            @Override
            public boolean offer(byte[] chunk, Runnable resume) {
                byte[] shown = mask.next("", chunk);
                return shown.length == 0 || sink.offer(shown, resume);
            }

            @Override
            public void exited(int exitCode) {
                byte[] rest = mask.drain().get("");
                if (rest != null) {
                    sink.offer(rest, () -> {});
                }
                sink.exited(exitCode);
            }
        };
    }

    /** The part of {@code chunk} (after what {@code stream} held back) that can be shown now, masked. */
    public synchronized byte[] next(String stream, byte[] chunk) {
        byte[] before = held.remove(stream);
        byte[] data = before == null ? chunk : concat(before, chunk);
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
        int shownUpTo = 0;
        int i = 0;
        while (i < data.length) {
            byte[] v = matchAt(data, i);
            if (v != null) {
                out.write(data, shownUpTo, i - shownUpTo);
                out.write(MASK, 0, MASK.length);
                i += v.length;
                shownUpTo = i;
            } else {
                i++;
            }
        }
        int hold = holdFrom(data, shownUpTo);
        out.write(data, shownUpTo, hold - shownUpTo);
        if (hold < data.length) {
            held.put(stream, Arrays.copyOfRange(data, hold, data.length));
        }
        return out.toByteArray();
    }

    /** What was held back, by stream: at the end it is shown as it is, being no whole value. */
    public synchronized Map<String, byte[]> drain() {
        Map<String, byte[]> rest = new HashMap<>(held);
        held.clear();
        return rest;
    }

    private byte[] matchAt(byte[] data, int i) {
        for (byte[] v : values) {
            if (data.length - i >= v.length && Arrays.equals(data, i, i + v.length, v, 0, v.length)) {
                return v;
            }
        }
        return null;
    }

    /** The first index from which the rest of {@code data} is the beginning of some value; its length if none. */
    private int holdFrom(byte[] data, int from) {
        int longest = values.get(0).length;
        for (int j = Math.max(from, data.length - longest + 1); j < data.length; j++) {
            int rest = data.length - j;
            for (byte[] v : values) {
                if (rest < v.length && Arrays.equals(data, j, data.length, v, 0, rest)) {
                    return j;
                }
            }
        }
        return data.length;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
