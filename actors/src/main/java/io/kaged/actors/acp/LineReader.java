package io.kaged.actors.acp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Reads newline-separated lines with a bound on their length. A line over the bound is consumed to its end
 * and reported by its length, so one huge message cannot take the daemon's memory nor end the connection.
 */
final class LineReader {

    sealed interface Result {}

    /**
     * A line. Its bytes are the reader's buffer, valid until the next call: the common message is read from
     * them without a string of the whole line ({@link TextChunks#readLine(byte[], int)}).
     */
    static final class Line implements Result {
        private final byte[] bytes;
        private final int length;

        Line(byte[] bytes, int length) {
            this.bytes = bytes;
            this.length = length;
        }

        byte[] bytes() {
            return bytes;
        }

        int length() {
            return length;
        }

        /** The line decoded; call before the next line is read. */
        String text() {
            return new String(bytes, 0, length, StandardCharsets.UTF_8);
        }
    }

    record TooLong(long bytes) implements Result {}

    enum End implements Result {
        INSTANCE
    }

    private final InputStream in;
    private final int maxBytes;
    /**
     * Runs before each read of the input, which may block, with how many bytes the read before it gave: what the
     * connection has joined so far goes on then, and a streaming agent's reader may wait for more to gather.
     */
    private final IntConsumer beforeRead;

    private final byte[] chunk = new byte[65536];
    private int chunkPos;
    private int chunkLen;
    private byte[] line = new byte[1024];

    LineReader(InputStream in, int maxBytes, IntConsumer beforeRead) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.beforeRead = beforeRead;
    }

    /** The next line without its terminator ({@code \n} or {@code \r\n}); {@link End} at end of input. */
    Result next() throws IOException {
        int len = 0;
        long seen = 0;
        while (true) {
            if (chunkPos == chunkLen) {
                beforeRead.accept(chunkLen);
                chunkLen = in.read(chunk);
                chunkPos = 0;
                if (chunkLen <= 0) {
                    chunkLen = 0;
                    if (seen == 0) {
                        return End.INSTANCE;
                    }
                    // A last line without a newline still counts.
                    return finish(len, seen);
                }
            }
            int start = chunkPos;
            while (chunkPos < chunkLen && chunk[chunkPos] != '\n') {
                chunkPos++;
            }
            int n = chunkPos - start;
            if (seen + n <= maxBytes) {
                if (len + n > line.length) {
                    line = Arrays.copyOf(line, (int) Math.min(maxBytes, Math.max((long) line.length * 2, len + n)));
                }
                System.arraycopy(chunk, start, line, len, n);
                len += n;
            }
            seen += n;
            if (chunkPos < chunkLen) {
                chunkPos++; // the newline
                return finish(len, seen);
            }
        }
    }

    private Result finish(int len, long seen) {
        if (seen > maxBytes) {
            shrink();
            return new TooLong(seen);
        }
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        Line read = new Line(line, len);
        shrink();
        return read;
    }

    /**
     * A buffer grown for one big line is not kept for the small ones after it. The line just returned keeps
     * the big one, which is dropped with it.
     */
    private void shrink() {
        if (line.length > 64 * 1024) {
            line = new byte[1024];
        }
    }
}
