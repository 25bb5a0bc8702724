package io.kaged.actors.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small policies a session is built from: backoff, restart decisions, scrollback trimming. */
class SessionPoliciesTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(30));

    @Test
    void backoffDoublesUpToTheCap() {
        assertEquals(Duration.ofSeconds(1), backoff.delay(0));
        assertEquals(Duration.ofSeconds(2), backoff.delay(1));
        assertEquals(Duration.ofSeconds(32), backoff.delay(5));
        assertEquals(Duration.ofSeconds(60), backoff.delay(6));
        assertEquals(Duration.ofSeconds(60), backoff.delay(500));
    }

    @Test
    void aRunThatLastedLongEnoughCountsAsHealthy() {
        assertFalse(backoff.ranLongEnough(Duration.ofSeconds(29)));
        assertTrue(backoff.ranLongEnough(Duration.ofSeconds(30)));
    }

    @Test
    void restartPoliciesDecideOnExitCodeAndInterruption() {
        assertFalse(RestartPolicy.NEVER.restarts(1));
        assertFalse(RestartPolicy.NEVER.restarts(null));
        assertTrue(RestartPolicy.ON_FAILURE.restarts(1));
        assertTrue(RestartPolicy.ON_FAILURE.restarts(null));
        assertFalse(RestartPolicy.ON_FAILURE.restarts(0));
        assertTrue(RestartPolicy.ALWAYS.restarts(0));
        assertEquals(RestartPolicy.ON_FAILURE, RestartPolicy.parse("on-failure"));
        assertEquals("on-failure", RestartPolicy.ON_FAILURE.label());
        assertThrows(IllegalArgumentException.class, () -> RestartPolicy.parse("sometimes"));
    }

    @Test
    void transcriptKeepsTheNewestBatchesWithinTheLimit() {
        Transcript t = Transcript.EMPTY;
        for (int i = 0; i < 5; i++) {
            long seq = t.nextSeq();
            t = t.append(seq, 400, t.keepFrom(400, 1000));
        }
        assertEquals(6, t.nextSeq());
        assertEquals(
                List.of(4L, 5L), t.chunks().stream().map(Transcript.Chunk::seq).toList());
        assertEquals(800, t.bytes());
    }

    @Test
    void aBatchLargerThanTheLimitIsStillKeptAlone() {
        Transcript t = Transcript.EMPTY.append(1, 100, 1);
        long keepFrom = t.keepFrom(5000, 1000);
        assertEquals(2, keepFrom);
        Transcript after = t.append(2, 5000, keepFrom);
        assertEquals(List.of(new Transcript.Chunk(2, 5000)), after.chunks());
    }
}
