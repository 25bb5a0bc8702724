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

            int found = Orphans.reap(
                    mine.pid(), Orphans.RUN, "orphan-" + ProcessHandle.current().pid(), Duration.ofSeconds(5));

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

    @Test
    void aSandboxLeftBehindIsFoundAndEndedWhole() throws Exception {
        String runId = "orphan-sandboxed-" + ProcessHandle.current().pid();
        java.util.List<String> argv = new java.util.ArrayList<>(java.util.List.of("setsid"));
        argv.addAll(BwrapCommand.argv(
                "bwrap",
                new SandboxSpec(false, null, null),
                null,
                java.util.List.of(),
                null,
                java.util.List.of("/bin/sh", "-c", "sleep 600 & sleep 600")));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("KAGED_RUN_ID", runId);
        Process sandbox = pb.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (sandbox.descendants().count() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(50); // bwrap's init, the shell and its two sleeps
            }
            java.util.List<Long> inside =
                    sandbox.descendants().map(ProcessHandle::pid).toList();
            assertTrue(inside.size() >= 3, "the sandbox's processes: " + inside);

            Orphans.reap(sandbox.pid(), Orphans.RUN, runId, Duration.ofSeconds(5));

            assertTrue(sandbox.waitFor(5, java.util.concurrent.TimeUnit.SECONDS));
            inside.forEach(pid -> assertFalse(Orphans.running(pid), "every process of the sandbox is gone"));
        } finally {
            sandbox.descendants().forEach(ProcessHandle::destroyForcibly);
            sandbox.destroyForcibly();
        }
    }
}
