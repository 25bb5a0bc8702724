package io.kaged.actors.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a killed daemon leaves behind is found by its run id, and only that is stopped. */
class OrphansTest {

    private static Process start(String runId) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("setsid", "/bin/sh", "-c", "sleep 600 & sleep 600");
        pb.environment().put("KAGED_RUN_ID", runId);
        return pb.start();
    }

    @Test
    void killsEveryProcessCarryingTheRunIdAndNothingElse() throws Exception {
        Process mine = start("orphan-" + ProcessHandle.current().pid());
        Process other = start("orphan-other-" + ProcessHandle.current().pid());
        try {
            Thread.sleep(300); // let the shell start its background sleep
            java.util.List<Long> children =
                    mine.descendants().map(ProcessHandle::pid).toList();
            assertFalse(children.isEmpty(), "the shell started its sleeps");

            int found =
                    Orphans.reap(mine.pid(), "orphan-" + ProcessHandle.current().pid(), Duration.ofSeconds(5));

            assertEquals(1 + children.size(), found);
            assertTrue(mine.waitFor(5, java.util.concurrent.TimeUnit.SECONDS));
            children.forEach(pid -> assertFalse(Orphans.running(pid), "its children are gone too"));
            assertTrue(other.isAlive(), "a process of another run is left alone");
        } finally {
            other.descendants().forEach(ProcessHandle::destroyForcibly);
            other.destroyForcibly();
            mine.descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }
}
