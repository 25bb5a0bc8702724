package io.kaged.actors.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The buffer between a run's pipe readers and its actor: few signals, bounded size, nothing lost. */
class OutputBufferTest {

    @Test
    void signalsWhenOutputStartsWaitingAndWhenABatchIsReadyOnly() throws Exception {
        OutputBuffer out = new OutputBuffer(10, 100);
        assertTrue(out.append("stdout", new byte[3]), "the first bytes after empty");
        assertFalse(out.append("stdout", new byte[3]));
        assertTrue(out.append("stderr", new byte[5]), "a batch's worth reached");
        assertFalse(out.append("stdout", new byte[5]));
        Map<String, byte[]> drained = out.drain();
        assertEquals(11, drained.get("stdout").length);
        assertEquals(5, drained.get("stderr").length);
        assertEquals(java.util.List.of("stdout", "stderr"), java.util.List.copyOf(drained.keySet()));
        assertEquals(0, out.size());
        assertTrue(out.append("stdout", new byte[1]), "empty again");
    }

    @Test
    void aFullBufferMakesTheReaderWaitUntilDrainedAndLosesNothing() throws Exception {
        OutputBuffer out = new OutputBuffer(4, 8);
        out.append("stdout", new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return out.append("stdout", new byte[] {9});
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            blocked.get(300, TimeUnit.MILLISECONDS);
            throw new AssertionError("a reader must wait while the buffer is full");
        } catch (TimeoutException expected) {
            // waiting, as it should
        }
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, out.drain().get("stdout"));
        assertTrue(blocked.get(5, TimeUnit.SECONDS), "let go by the drain; the buffer was empty");
        assertArrayEquals(new byte[] {9}, out.drain().get("stdout"));
    }

    @Test
    void closingDropsWhatWaitsAndReleasesAWaitingReader() throws Exception {
        OutputBuffer out = new OutputBuffer(4, 8);
        out.append("stdout", new byte[8]);
        CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return out.append("stdout", new byte[1]);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        out.close();
        assertFalse(blocked.get(5, TimeUnit.SECONDS));
        assertTrue(out.drain().isEmpty());
    }

    @Test
    void anOfferTakesTheChunkSaysWhenFullAndCallsBackOnTheNextDrain() {
        OutputBuffer out = new OutputBuffer(4, 8);
        java.util.concurrent.atomic.AtomicInteger resumed = new java.util.concurrent.atomic.AtomicInteger();
        OutputBuffer.Offered first = out.offer("pty", new byte[] {1, 2, 3}, resumed::incrementAndGet);
        assertTrue(first.signal(), "the first bytes after empty");
        assertFalse(first.full());
        OutputBuffer.Offered second = out.offer("pty", new byte[] {4, 5, 6, 7, 8, 9}, resumed::incrementAndGet);
        assertTrue(second.full(), "past the bound: the reader must stop");
        assertEquals(0, resumed.get(), "no call-back before the actor takes the output");
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, out.drain().get("pty"), "nothing lost");
        assertEquals(1, resumed.get(), "called back once by the drain");
        out.drain();
        assertEquals(1, resumed.get(), "and only once");
        out.offer("pty", new byte[8], resumed::incrementAndGet);
        out.close();
        assertEquals(2, resumed.get(), "a close lets a stopped reader go too");
        assertFalse(out.offer("pty", new byte[8], resumed::incrementAndGet).full(), "a closed buffer drops");
    }
}
