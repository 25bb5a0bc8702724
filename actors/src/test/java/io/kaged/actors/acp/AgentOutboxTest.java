package io.kaged.actors.acp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link AgentOutbox}: lines from many threads, each whole and in each thread's order; one failure, reported once. */
class AgentOutboxTest {

    private final ExecutorService writer = Executors.newFixedThreadPool(4);

    @AfterEach
    void tearDown() {
        writer.shutdownNow();
    }

    @Test
    void linesFromManyThreadsArriveWholeAndInEachThreadsOrder() throws Exception {
        ByteArrayOutputStream agent = new ByteArrayOutputStream();
        OutputStream synced = new OutputStream() {
            @Override
            public synchronized void write(int b) {
                agent.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                agent.write(b, off, len);
            }
        };
        AgentOutbox outbox = new AgentOutbox(synced, writer, e -> {});
        int threads = 4;
        int each = 2_000;
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread sender = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    outbox.add("{\"thread\":" + thread + ",\"n\":" + i + "}");
                }
            });
            sender.start();
            senders.add(sender);
        }
        for (Thread t : senders) {
            t.join();
        }
        String[] lines = awaitLines(agent, threads * each);
        int[] next = new int[threads];
        for (String line : lines) {
            int thread = Integer.parseInt(line.replaceAll(".*\"thread\":(\\d+).*", "$1"));
            assertEquals("{\"thread\":" + thread + ",\"n\":" + next[thread] + "}", line);
            next[thread]++;
        }
        for (int t = 0; t < threads; t++) {
            assertEquals(each, next[t], "lines of thread " + t);
        }
    }

    @Test
    void aFailedWriteIsReportedOnceAndTheLinesQueuedBehindItAreDropped() throws Exception {
        List<IOException> failures = new CopyOnWriteArrayList<>();
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        OutputStream closedPipe = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                attempts.add(b);
                throw new IOException("Broken pipe");
            }
        };
        ExecutorService one = Executors.newSingleThreadExecutor();
        CountDownLatch hold = new CountDownLatch(1);
        one.execute(() -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AgentOutbox outbox = new AgentOutbox(closedPipe, one, failures::add);
        outbox.add("{\"n\":1}");
        outbox.add("{\"n\":2}");
        outbox.add("{\"n\":3}"); // all three queued behind the held writer
        hold.countDown();
        one.shutdown();
        assertTrue(one.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(1, failures.size(), "failures reported");
        assertEquals("Broken pipe", failures.get(0).getMessage());
        assertEquals(1, attempts.size(), "writes tried after the first failed");
    }

    private static String[] awaitLines(ByteArrayOutputStream agent, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String text = agent.toString(StandardCharsets.UTF_8);
            String[] lines = text.isEmpty() ? new String[0] : text.split("\n");
            if (lines.length >= count && text.endsWith("\n") || System.nanoTime() > deadline) {
                assertEquals(count, lines.length, "lines written");
                return lines;
            }
            Thread.sleep(10);
        }
    }
}
