package io.kaged.actors.acp;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * What {@code terminal/output} answers of a terminal's recorded bytes: at most {@code outputByteLimit} of them,
 * cut from the start as ACP asks, at a character boundary so the text stays valid UTF-8 (a little under the
 * limit when the cut falls inside a character).
 */
public final class TerminalTail {

    private TerminalTail() {}

    /** The retained text, and whether bytes were cut from the start. */
    public record Tail(String text, boolean truncated) {}

    public static Tail tail(byte[] bytes, long limit) {
        if (limit < 0 || bytes.length <= limit) {
            return new Tail(decode(bytes, 0), false);
        }
        int start = (int) (bytes.length - limit);
        // UTF-8 continuation bytes are 10xxxxxx: a character starts at the first byte that is not one
        while (start < bytes.length && (bytes[start] & 0xC0) == 0x80) {
            start++;
        }
        return new Tail(decode(bytes, start), true);
    }

    /** Bytes that are not UTF-8 (a program's binary output) become U+FFFD rather than failing the request. */
    private static String decode(byte[] bytes, int from) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes, from, bytes.length - from))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder does not throw", e);
        }
    }
}
