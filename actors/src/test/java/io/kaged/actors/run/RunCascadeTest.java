package io.kaged.actors.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.actors.Sql;
import io.kaged.persistence.store.StoreExtension;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A run's cancel or timeout reaches its child runs and theirs (ADR-0058): parent P with children C1, C2
 * and an abandoned A; C1 has a child G, A has a child AG.
 */
class RunCascadeTest {

    @TempDir
    Path home;

    /** A run that writes its process id to {@code <home>/<id>.pid} and then sleeps. */
    private RunSpec sleeper(String id, String parent, String onParentEnd, Long timeoutMs) {
        String script = "echo $$ > " + home.resolve(id + ".pid") + "; exec sleep 600";
        return new RunSpec(
                List.of("/bin/sh", "-c", script),
                null,
                Map.of(),
                null,
                parent,
                null,
                null,
                timeoutMs,
                0,
                onParentEnd,
                null,
                null,
                null,
                null);
    }

    private long pid(String id) throws Exception {
        Path file = home.resolve(id + ".pid");
        Eventually.waitFor(RunFixture.WAIT, id + "'s pid", () -> Files.exists(file) && Files.size(file) > 1);
        return Long.parseLong(Files.readString(file).trim());
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void waitRunning(RunFixture f, String... ids) throws Exception {
        for (String id : ids) {
            Eventually.waitFor(
                    RunFixture.WAIT, id + " running", () -> f.view(id).state().equals("running"));
        }
    }

    private static String reason(RunFixture f, String id) {
        List<RunActor.Cancelled> cancelled = f.events(id, RunActor.Cancelled.class);
        assertEquals(1, cancelled.size(), id + " is cancelled once");
        return cancelled.get(0).reason();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void cancelStopsEveryDescendantExceptAnAbandonedChildAndItsOwn(TestEngine engine) throws Exception {
        try (RunFixture f = new RunFixture(TestDatabases.newStoreUrl(engine, home), home)) {
            f.dispatch("p", sleeper("p", null, null, null));
            f.dispatch("c1", sleeper("c1", "p", null, null));
            f.dispatch("c2", sleeper("c2", "p", "cancel", null));
            f.dispatch("g", sleeper("g", "c1", null, null));
            f.dispatch("a", sleeper("a", "p", "abandon", null));
            f.dispatch("ag", sleeper("ag", "a", null, null));
            waitRunning(f, "p", "c1", "c2", "g", "a", "ag");
            Map<String, Long> pids =
                    Map.of("c1", pid("c1"), "c2", pid("c2"), "g", pid("g"), "a", pid("a"), "ag", pid("ag"));

            RunSummary cancelled = f.<RunSummary>ask("p", RunActor.Cancel::new).getValue();
            assertEquals("cancelled", cancelled.state());
            assertEquals(3, cancelled.cancelledDescendants(), "c1, c2 and g");
            assertNull(reason(f, "p"), "the operator's own cancel has no parent reason");
            for (String id : List.of("c1", "c2", "g")) {
                assertEquals("cancelled", f.view(id).state(), id);
                assertEquals("parent cancelled", reason(f, id));
                Eventually.waitFor(RunFixture.WAIT, id + "'s process gone", () -> !alive(pids.get(id)));
            }
            assertEquals("running", f.view("a").state());
            assertEquals("running", f.view("ag").state());
            assertTrue(alive(pids.get("a")) && alive(pids.get("ag")), "the abandoned child and its own run on");

            // Through the abandoned child, its own child is cancelled as usual.
            assertEquals(
                    1, f.<RunSummary>ask("a", RunActor.Cancel::new).getValue().cancelledDescendants());
            assertEquals("cancelled", f.view("ag").state());
            assertEquals("parent cancelled", reason(f, "ag"));
            Eventually.waitFor(RunFixture.WAIT, "ag's process gone", () -> !alive(pids.get("ag")));
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aParentsTimeoutCascadesTheSameWay(TestEngine engine) throws Exception {
        try (RunFixture f = new RunFixture(TestDatabases.newStoreUrl(engine, home), home)) {
            // long enough for the children to start first on a busy machine
            f.dispatch("p", sleeper("p", null, null, 5_000L));
            f.dispatch("c", sleeper("c", "p", null, null));
            f.dispatch("g", sleeper("g", "c", null, null));
            f.dispatch("a", sleeper("a", "p", "abandon", null));
            long c = pid("c");
            long g = pid("g");

            Eventually.waitFor(
                    RunFixture.WAIT, "p timed out", () -> f.view("p").state().equals("timed-out"));
            Eventually.waitFor(
                    RunFixture.WAIT,
                    "c and g cancelled",
                    () -> f.view("c").state().equals("cancelled")
                            && f.view("g").state().equals("cancelled"));
            assertEquals("parent timed out", reason(f, "c"));
            assertEquals("parent cancelled", reason(f, "g"));
            Eventually.waitFor(RunFixture.WAIT, "their processes gone", () -> !alive(c) && !alive(g));
            assertEquals("running", f.view("a").state());
            f.ask("a", RunActor.Cancel::new);
        }
    }

    /** A child whose dispatch is recorded after its parent's cancel is cancelled at once. */
    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aChildStartedUnderACancelledParentIsCancelledAtOnce(TestEngine engine) throws Exception {
        try (RunFixture f = new RunFixture(TestDatabases.newStoreUrl(engine, home), home)) {
            f.dispatch("p", sleeper("p", null, null, null));
            assertEquals(
                    0, f.<RunSummary>ask("p", RunActor.Cancel::new).getValue().cancelledDescendants());
            f.dispatch("late", sleeper("late", "p", null, null));
            f.dispatch("kept", sleeper("kept", "p", "abandon", null));
            Eventually.waitFor(RunFixture.WAIT, "late cancelled", () -> f.view("late")
                    .state()
                    .equals("cancelled"));
            assertEquals("parent cancelled", reason(f, "late"));
            waitRunning(f, "kept");
            f.ask("kept", RunActor.Cancel::new);
        }
    }

    /**
     * The daemon stopped after the parent's cancel was recorded and before its child's: recovery finds the
     * child through the query table, kills what the old daemon left running of it, and cancels it.
     */
    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void recoveryEndsAChildWhoseParentsCancelDidNotReachIt(TestEngine engine) throws Exception {
        String url = TestDatabases.newStoreUrl(engine, home);
        try (RunFixture first = new RunFixture(url, home)) {
            first.dispatch("p", sleeper("p", null, null, null));
            first.dispatch("c", sleeper("c", "p", null, null));
            first.dispatch("a", sleeper("a", "p", "abandon", null));
            waitRunning(first, "p", "c", "a");
        }
        ProcessBuilder survivor = new ProcessBuilder("setsid", "sleep", "600");
        survivor.environment().put("KAGED_RUN_ID", "c");
        Process orphan = survivor.start();

        try (RunFixture second = new RunFixture(url, home)) {
            // What the parent's recorded cancel leaves in the query table when the daemon dies right after it.
            StoreExtension.store(second.kit.system().classicSystem())
                    .write("p", c -> {
                        Sql.update(c, "UPDATE runs SET state = 'cancelled' WHERE id = 'p'");
                        return null;
                    })
                    .join();
            // as the daemon's recovery does (Supervisors.recover): both read first, then told back to back, so
            // the child hears of its parent's end before its own recovery can finish it as interrupted
            var live = second.queries.live().join();
            var orphans = second.queries.orphans().join();
            second.runs.tell(new RunSupervisor.Recover(live));
            second.runs.tell(new RunSupervisor.EndOrphans(orphans));
            Eventually.waitFor(RunFixture.WAIT, "c cancelled", () -> second.view("c")
                    .state()
                    .equals("cancelled"));
            assertEquals("parent cancelled", reason(second, "c"));
            assertTrue(orphan.waitFor(20, TimeUnit.SECONDS), "what the old daemon left of c is killed");
            // the abandoned child was recovered like any run: interrupted, not cancelled
            Eventually.waitFor(RunFixture.WAIT, "a interrupted", () -> second.view("a")
                    .state()
                    .equals("interrupted"));
        }
    }
}
