package io.kaged.actors.session;

import io.kaged.persistence.serialization.KagedSerializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Which output batches of a session are kept, oldest first, within the scrollback limit. Part of the
 * actor's state so that the choice of what to drop is made once, recorded in the event, and replayed.
 */
public record Transcript(long nextSeq, List<Chunk> chunks) implements KagedSerializable {

    public record Chunk(long seq, int size) implements KagedSerializable {}

    public static final Transcript EMPTY = new Transcript(1, List.of());

    public Transcript {
        chunks = List.copyOf(chunks);
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
        return new Transcript(seq + 1, next);
    }
}
