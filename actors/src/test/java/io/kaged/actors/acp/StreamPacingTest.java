package io.kaged.actors.acp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Only a stream read in small reads is paced; anything else is read at once. */
class StreamPacingTest {

    private final List<Long> pauses = new ArrayList<>();
    private final StreamPacing pacing = new StreamPacing(pauses::add);

    @Test
    void aStreamedChunkAfterASmallReadPausesBeforeTheNextRead() {
        pacing.streamed(true);
        pacing.beforeRead(150);
        assertEquals(List.of(StreamPacing.PAUSE_NANOS), pauses);
    }

    @Test
    void aFullReadMeansTheAgentIsAheadAndIsReadAgainAtOnce() {
        pacing.streamed(true);
        pacing.beforeRead(StreamPacing.FULL_READ);
        pacing.beforeRead(64 * 1024);
        assertEquals(List.of(), pauses);
    }

    @Test
    void anythingButAStreamedChunkIsReadAtOnce() {
        pacing.beforeRead(0); // the first read
        pacing.streamed(true);
        pacing.streamed(false); // a permission request, a response, a tool call: the line after the chunks
        pacing.beforeRead(150);
        assertEquals(List.of(), pauses);
    }
}
