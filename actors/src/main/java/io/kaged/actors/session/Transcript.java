package io.kaged.actors.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.kaged.persistence.serialization.KagedSerializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Which output batches of a session are kept, oldest first, within the scrollback limit. Part of the
 * actor's state so that the choice of what to drop is made once, recorded in the event, and replayed.
 *
 * <p>{@code written} counts every byte the session has recorded, dropped ones included, so that an offset
 * into its output names the same byte for the session's whole life (a reconnecting client's {@code from}).
 * It is null in a state restored from a snapshot taken before it was counted: such a session's offsets
 * count from the start of what it still keeps.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Transcript(long nextSeq, List<Chunk> chunks, Long written) implements KagedSerializable {

    public record Chunk(long seq, int size) implements KagedSerializable {}

    public static final Transcript EMPTY = new Transcript(1, List.of(), 0L);

    public Transcript {
        chunks = List.copyOf(chunks);
    }

    public Transcript(long nextSeq, List<Chunk> chunks) {
        this(nextSeq, chunks, null);
    }

    /** The offset in the session's whole output of the first byte still kept, when it is known. */
    public Long firstKept() {
        return written == null ? null : written - bytes();
    }

    public long bytes() {
        return chunks.stream().mapToLong(Chunk::size).sum();
    }

    /** The lowest sequence number still kept after adding a batch of {@code size}; the new batch always stays. */
    public long keepFrom(int size, long limit) {
        long total = bytes() + size;
        long keepFrom = chunks.isEmpty() ? nextSeq : chunks.get(0).seq();
        for (Chunk c : chunks) {
            if (total <= limit) {
                break;
            }
            total -= c.size();
            keepFrom = c.seq() + 1;
        }
        return keepFrom;
    }

    public Transcript append(long seq, int size, long keepFrom) {
        List<Chunk> next = new ArrayList<>();
        for (Chunk c : chunks) {
            if (c.seq() >= keepFrom) {
                next.add(c);
            }
        }
        next.add(new Chunk(seq, size));
        return new Transcript(seq + 1, next, written == null ? null : written + size);
    }
}
