package io.kaged.actors.process;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * An agent's stdout (JSON-RPC, one message a line) with its secrets' values replaced by {@code ***} before
 * kaged reads it: what the agent says is journaled as the run's conversation, and a key it echoes must not
 * be. A value appears in a JSON line as a JSON string's content, so it is masked in that escaped form; a
 * masked string stays valid JSON. The mask holds back only the end of a read that could begin a value, and
 * an escaped value never holds a raw line end, so a whole line is never held waiting for the next.
 *
 * <p>What the agent sends in requests is masked too (a file it asks kaged to write gets {@code ***} for the
 * value): kaged never passes a secret on for the agent.
 */
public final class MaskedJsonLines extends InputStream {

    private final InputStream in;
    private final SecretMask mask;
    private final byte[] buffer = new byte[16 * 1024];
    private byte[] shown = new byte[0];
    private int position;
    private boolean ended;

    private MaskedJsonLines(InputStream in, List<String> jsonForms) {
        this.in = in;
        this.mask = new SecretMask(jsonForms);
    }

    /** {@code in} behind a mask of {@code secretValues}; {@code in} itself when there are none. */
    public static InputStream wrap(InputStream in, List<String> secretValues) {
        if (secretValues.isEmpty()) {
            return in;
        }
        List<String> forms = secretValues.stream()
                .map(v -> new String(JsonStringEncoder.getInstance().quoteAsString(v)))
                .distinct()
                .toList();
        return new MaskedJsonLines(in, forms);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (position == shown.length) {
            if (ended) {
                return -1;
            }
            int n = in.read(buffer);
            if (n < 0) {
                ended = true;
                byte[] rest = mask.drain().get("");
                shown = rest == null ? new byte[0] : rest;
            } else {
                shown = mask.next("", java.util.Arrays.copyOf(buffer, n));
            }
            position = 0;
        }
        int n = Math.min(len, shown.length - position);
        System.arraycopy(shown, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public int available() throws IOException {
        return shown.length - position;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
