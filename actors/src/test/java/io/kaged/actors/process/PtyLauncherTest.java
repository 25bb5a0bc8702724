package io.kaged.actors.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.persistence.testing.Eventually;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Many ptys read by the launcher's one poller thread, with no thread per pty or per child: each one's
 * output arrives whole and in order, a receiver that is behind holds up only its own pty, and every exit
 * comes after its output, with the child's exit code (or 128 plus the signal that ended it).
 */
class PtyLauncherTest {

    private static final int PTYS = 50;
    private static final int LINES = 400;

    private final PtyLauncher launcher = new PtyLauncher(4 * 1024);
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        launcher.close();
        later.shutdownNow();
    }

    /** Keeps what a pty wrote and its exit; a slow one says it is full after each chunk for a while. */
    private final class Recorder implements ProcessOutput {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final boolean slow;
        private final CountDownLatch exited = new CountDownLatch(1);
        private volatile int exitCode = Integer.MIN_VALUE;
        private volatile boolean outputAfterExit;
        private volatile boolean offeredWhilePaused;
        private volatile boolean paused;

        Recorder(boolean slow) {
            this.slow = slow;
        }

        @Override
        public boolean offer(byte[] chunk, Runnable resume) {
            if (paused) {
                offeredWhilePaused = true;
            }
            if (exited.getCount() == 0) {
                outputAfterExit = true;
            }
            synchronized (out) {
                out.writeBytes(chunk);
            }
            if (!slow) {
                return true;
            }
            paused = true;
            later.schedule(
                    () -> {
                        paused = false;
                        resume.run();
                    },
                    2,
                    TimeUnit.MILLISECONDS);
            return false;
        }

        @Override
        public void exited(int code) {
            exitCode = code;
            exited.countDown();
        }

        String text() {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8).replace("\r", "");
            }
        }
    }

    @Test
    void fiftyPtysEachDeliverTheirOutputWholeAndInOrderThroughOneThread() throws Exception {
        int threadsBefore = Thread.getAllStackTraces().size();
        List<Recorder> recorders = new ArrayList<>();
        List<RunningProcess> processes = new ArrayList<>();
        for (int k = 0; k < PTYS; k++) {
            // Every fifth receiver is slow: the others must not wait for it.
            Recorder r = new Recorder(k % 5 == 0);
            recorders.add(r);
            String script = "read go; i=0; while [ $i -lt " + LINES + " ]; do echo \"pty " + k
                    + " line $i\"; i=$((i+1)); done; exit " + (k % 7);
            processes.add(launcher.start(new ProcessSpec(List.of("/bin/sh", "-c", script), null, Map.of(), 80, 24), r));
        }

        // All fifty are alive, waiting for input, and read by one thread of the launcher's.
        assertEquals(1, threadsNamed("kaged-pty"), "one poller thread for every pty");
        int threadsWithFifty = Thread.getAllStackTraces().size();
        assertTrue(
                threadsWithFifty - threadsBefore <= 2,
                "no thread per pty or per child: " + threadsBefore + " threads before, " + threadsWithFifty + " with "
                        + PTYS + " live ptys");
        for (RunningProcess p : processes) {
            p.write("go\n".getBytes(StandardCharsets.US_ASCII));
        }

        for (int k = 0; k < PTYS; k++) {
            Recorder r = recorders.get(k);
            assertTrue(r.exited.await(60, TimeUnit.SECONDS), "pty " + k + " exited");
            StringBuilder expected = new StringBuilder("go\n");
            for (int i = 0; i < LINES; i++) {
                expected.append("pty ").append(k).append(" line ").append(i).append('\n');
            }
            assertEquals(expected.toString(), r.text(), "pty " + k + "'s output, whole and in order");
            assertEquals(k % 7, r.exitCode, "pty " + k + "'s exit code");
            assertTrue(!r.outputAfterExit, "pty " + k + ": no output after its exit");
            assertTrue(!r.offeredWhilePaused, "pty " + k + ": nothing offered while its receiver was full");
        }
        Eventually.waitFor(Duration.ofSeconds(5), "every pty dropped", () -> launcher.reading() == 0);
        assertEquals(1, threadsNamed("kaged-pty"), "still the one poller thread");
    }

    @Test
    void anExitWaitsForOutputThatIsHeldBackByAFullReceiver() throws Exception {
        Recorder r = new Recorder(true);
        launcher.start(
                new ProcessSpec(
                        List.of("/bin/sh", "-c", "head -c 200000 /dev/zero | tr '\\0' x; exit 9"),
                        null,
                        Map.of(),
                        80,
                        24),
                r);
        assertTrue(r.exited.await(60, TimeUnit.SECONDS), "exited");
        assertEquals(200_000, r.text().length(), "every byte before the exit");
        assertEquals(9, r.exitCode);
    }

    @Test
    void aChildEndedByASignalReportsOneHundredTwentyEightPlusTheSignal() throws Exception {
        Recorder r = new Recorder(false);
        launcher.start(new ProcessSpec(List.of("/bin/sh", "-c", "echo bye; kill -9 $$"), null, Map.of(), 80, 24), r);
        assertTrue(r.exited.await(30, TimeUnit.SECONDS), "exited");
        assertEquals(137, r.exitCode);
        assertEquals("bye\n", r.text());
    }

    @Test
    void theSizeAndTheWorkingDirectoryAreThoseAskedFor(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Recorder r = new Recorder(false);
        launcher.start(
                new ProcessSpec(List.of("/bin/sh", "-c", "stty size; pwd"), dir.toString(), Map.of(), 91, 17), r);
        assertTrue(r.exited.await(30, TimeUnit.SECONDS), "exited");
        assertEquals("17 91\n" + dir.toRealPath() + "\n", r.text());
        assertEquals(0, r.exitCode);
    }

    @Test
    void thePollerStartsWithTheFirstProcessAndAClosedLauncherStartsNone() throws Exception {
        PtyLauncher fresh = new PtyLauncher(4 * 1024);
        assertEquals(false, fresh.polling(), "no poller before the first process");
        assertEquals(0, fresh.reading());
        Recorder r = new Recorder(false);
        fresh.start(new ProcessSpec(List.of("/bin/sh", "-c", "echo up"), null, Map.of(), 80, 24), r);
        assertTrue(fresh.polling(), "a poller once a process started");
        assertTrue(r.exited.await(30, TimeUnit.SECONDS), "exited");
        assertEquals("up\n", r.text());
        fresh.close();
        org.junit.jupiter.api.Assertions.assertThrows(
                java.io.IOException.class,
                () -> fresh.start(new ProcessSpec(List.of("/bin/true"), null, Map.of(), 80, 24), new Recorder(false)));
    }

    @Test
    void aCommandThatIsNotThereFailsToStart() {
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.io.IOException.class,
                () -> launcher.start(
                        new ProcessSpec(List.of("kaged-no-such-command"), null, Map.of(), 80, 24),
                        new Recorder(false)));
        assertTrue(e.getMessage().contains("kaged-no-such-command"), e.getMessage());
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix))
                .count();
    }
}
