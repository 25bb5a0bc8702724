package io.kaged.actors.query;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A case-sensitive substring search over recorded output (the {@code transcripts} table: session
 * terminal output, run stdout and stderr), bounded per request. The bytes are read in order in small
 * batches and matched in Java, the same on both engines; a match that spans two recorded batches of one
 * stream is found, one spanning stdout and stderr is not.
 *
 * <p>One request reads at most {@code maxBytes} of output and searches at most {@code maxOwners}
 * sessions or runs; the page says how far it got and its {@code next} cursor continues from there.
 */
public final class TranscriptSearch {

    /** Where a page's item matched: its first match, with some text around it. */
    public record Match(String id, String stream, String excerpt) {}

    /**
     * What one search request did.
     *
     * @param complete false when a bound stopped the scan before the page was full and candidates remained
     * @param cutShort items whose output alone exceeded {@code maxScanBytes}: searched in that much only
     */
    public record Report(
            String text,
            long scannedBytes,
            long maxScanBytes,
            int searched,
            int maxSearched,
            boolean complete,
            int cutShort,
            List<Match> matches) {}

    /** Result of searching one session's or run's output. */
    enum Outcome {
        MATCH,
        NONE,
        /** the bounds ran out before this owner's output was read to the end: undecided */
        BOUNDS_REACHED
    }

    private static final int CONTEXT = 40;
    private static final int CHUNKS_PER_READ = 8;
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-?]*[ -/]*[@-~]|\u001B[\\]P^_][^\u0007\u001B]*");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\uFFFD]+");

    private final String text;
    private final byte[] needle;
    private final long maxBytes;
    private final int maxOwners;

    public TranscriptSearch(String text, long maxBytes, int maxOwners) {
        if (text.isEmpty() || maxBytes < 1 || maxOwners < 1) {
            throw new IllegalArgumentException("empty search text or bounds below 1");
        }
        this.text = text;
        this.needle = text.getBytes(StandardCharsets.UTF_8);
        this.maxBytes = maxBytes;
        this.maxOwners = maxOwners;
    }

    Scan start() {
        return new Scan();
    }

    /** One request's progress against the bounds; lives for one page. */
    final class Scan {
        private long scanned;
        private int owners;
        private int cutShort;
        private final List<Match> matches = new ArrayList<>();

        /**
         * Searches one owner's output. The first owner of a request is always decided (read up to
         * {@code maxBytes} of it), so every request makes progress; later ones only within what is left.
         */
        Outcome search(Connection c, String ownerId) throws SQLException {
            boolean first = owners == 0;
            if (owners >= maxOwners || !first && scanned >= maxBytes) {
                return Outcome.BOUNDS_REACHED;
            }
            owners++;
            long allowed = maxBytes - scanned;
            long read = 0;
            long afterSeq = -1;
            Map<String, byte[]> carry = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT chunk_seq, stream, data FROM transcripts"
                    + " WHERE owner_id = ? AND chunk_seq > ? ORDER BY chunk_seq LIMIT " + CHUNKS_PER_READ)) {
                while (true) {
                    ps.setString(1, ownerId);
                    ps.setLong(2, afterSeq);
                    int rows = 0;
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows++;
                            afterSeq = rs.getLong(1);
                            String stream = rs.getString(2);
                            byte[] data = rs.getBytes(3);
                            boolean cut = read + data.length > allowed;
                            if (cut) {
                                data = Arrays.copyOf(data, (int) (allowed - read));
                            }
                            read += data.length;
                            scanned += data.length;
                            byte[] buf = concat(carry.getOrDefault(stream, new byte[0]), data);
                            int at = indexOf(buf, needle);
                            if (at >= 0) {
                                matches.add(new Match(ownerId, stream, excerpt(buf, at, needle.length)));
                                return Outcome.MATCH;
                            }
                            if (cut) {
                                if (first) {
                                    cutShort++;
                                    return Outcome.NONE;
                                }
                                owners--;
                                return Outcome.BOUNDS_REACHED;
                            }
                            int keep = Math.min(buf.length, needle.length - 1 + CONTEXT);
                            carry.put(stream, Arrays.copyOfRange(buf, buf.length - keep, buf.length));
                        }
                    }
                    if (rows < CHUNKS_PER_READ) {
                        return Outcome.NONE;
                    }
                }
            }
        }

        Report report(boolean complete) {
            return new Report(text, scanned, maxBytes, owners, maxOwners, complete, cutShort, List.copyOf(matches));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b;
        }
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        byte first = needle[0];
        int last = haystack.length - needle.length;
        outer:
        for (int i = 0; i <= last; i++) {
            if (haystack[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The match with up to {@link #CONTEXT} bytes either side, as one line of plain text. */
    static String excerpt(byte[] buf, int at, int length) {
        int from = Math.max(0, at - CONTEXT);
        int to = Math.min(buf.length, at + length + CONTEXT);
        String raw = new String(buf, from, to - from, StandardCharsets.UTF_8);
        return CONTROL.matcher(ANSI.matcher(raw).replaceAll("")).replaceAll(" ").strip();
    }
}
