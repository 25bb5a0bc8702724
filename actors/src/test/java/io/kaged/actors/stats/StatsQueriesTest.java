package io.kaged.actors.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.actors.Sql;
import io.kaged.persistence.store.StorageSettings;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import io.kaged.persistence.testing.TestSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stats of one set of rows, counted on SQLite and on PostgreSQL: the same numbers, and the right ones. */
class StatsQueriesTest {

    @TempDir
    Path home;

    private final List<Store> stores = new ArrayList<>();

    @AfterEach
    void close() {
        stores.forEach(Store::close);
    }

    private record RunRow(String id, String project, String state, Integer exit, int events, int snapshots) {}

    private record SessionRow(String id, String project, String state, int events) {}

    private static final List<RunRow> RUNS = List.of(
            new RunRow("r1", "alpha", "succeeded", 0, 3, 1),
            new RunRow("r2", "alpha", "failed", 1, 3, 0),
            new RunRow("r3", "beta", "failed", 2, 4, 0),
            new RunRow("r4", "beta", "timed-out", 143, 3, 1),
            new RunRow("r5", null, "cancelled", null, 2, 0),
            new RunRow("r6", "alpha", "running", null, 2, 0),
            new RunRow("r7", null, "succeeded", 0, 3, 0),
            new RunRow("r8", null, "interrupted", null, 2, 0));

    private static final List<SessionRow> SESSIONS = List.of(
            new SessionRow("s1", "alpha", "running", 2),
            new SessionRow("s2", "alpha", "closed", 5),
            new SessionRow("s3", null, "exited", 1));

    /** Journal rows that belong to no session or run: counted in the total only. */
    private static final int OTHER_EVENTS = 5;

    private Store seeded(TestEngine engine) throws Exception {
        Store store = Store.open(StorageSettings.fromConfig(
                TestSystems.config(TestDatabases.newStoreUrl(engine, home), home), Map.of()));
        stores.add(store);
        store.inTransaction(c -> {
            for (RunRow r : RUNS) {
                Sql.update(
                        c,
                        "INSERT INTO runs (id, project, state, command, command_name, exit_code, created_at,"
                                + " updated_at) VALUES (?, ?, ?, '[\"x\"]', 'x', ?, 1, 1)",
                        r.id(),
                        r.project(),
                        r.state(),
                        r.exit());
                journal(c, "run|" + r.id(), r.events(), r.snapshots());
            }
            for (SessionRow s : SESSIONS) {
                Sql.update(
                        c,
                        "INSERT INTO sessions (id, project, state, command, term_cols, term_rows, restart_policy,"
                                + " created_at, updated_at) VALUES (?, ?, ?, '[\"sh\"]', 80, 24, 'never', 1, 1)",
                        s.id(),
                        s.project(),
                        s.state());
                journal(c, "session|" + s.id(), s.events(), 0);
            }
            journal(c, "bench|other", OTHER_EVENTS, 0);
            return null;
        });
        return store;
    }

    private static void journal(java.sql.Connection c, String pid, int events, int snapshots)
            throws java.sql.SQLException {
        for (long i = 1; i <= events; i++) {
            Sql.update(
                    c,
                    "INSERT INTO journal (persistence_id, sequence_nr, writer_uuid, write_timestamp, event_manifest,"
                            + " ser_id, ser_manifest, payload) VALUES (?, ?, 'w', 1, '', 1, '', ?)",
                    pid,
                    i,
                    new byte[] {1});
        }
        for (long i = 1; i <= snapshots; i++) {
            Sql.update(
                    c,
                    "INSERT INTO snapshot (persistence_id, sequence_nr, created_at, ser_id, ser_manifest, payload)"
                            + " VALUES (?, ?, 1, 1, '', ?)",
                    pid,
                    i,
                    new byte[] {1});
        }
    }

    private static Stats withoutSize(Stats s) {
        return new Stats(s.project(), s.sessions(), s.runs(), s.events(), s.snapshots(), null, s.projects());
    }

    @Test
    void bothEnginesCountTheSameRowsTheSame() throws Exception {
        Map<TestEngine, StatsQueries> queries = new EnumMap<>(TestEngine.class);
        for (TestEngine engine : TestEngine.values()) {
            queries.put(engine, new StatsQueries(seeded(engine)));
        }
        for (StatsQueries.Scope scope : List.of(
                new StatsQueries.Scope(null, false),
                new StatsQueries.Scope("alpha", false),
                new StatsQueries.Scope("beta", false),
                new StatsQueries.Scope("nobody", false),
                new StatsQueries.Scope(null, true))) {
            Stats sqlite = queries.get(TestEngine.SQLITE).stats(scope).join();
            Stats postgres = queries.get(TestEngine.POSTGRESQL).stats(scope).join();
            assertEquals(withoutSize(sqlite), withoutSize(postgres), scope.toString());
            assertEquals("sqlite", sqlite.store().engine());
            assertEquals("postgresql", postgres.store().engine());
            assertTrue(sqlite.store().bytes() > 0 && postgres.store().bytes() > 0);
        }
    }

    @Test
    void countsByStateExitCodeAndProject() throws Exception {
        StatsQueries q = new StatsQueries(seeded(TestEngine.SQLITE));
        Stats all = q.stats(new StatsQueries.Scope(null, false)).join();
        assertNull(all.project());
        assertNull(all.projects());
        assertEquals(3, all.sessions().total());
        assertEquals(
                Map.of("closed", 1L, "exited", 1L, "running", 1L),
                all.sessions().byState());
        assertEquals(8, all.runs().total());
        assertEquals(
                Map.of(
                        "succeeded", 2L,
                        "failed", 2L,
                        "timed-out", 1L,
                        "cancelled", 1L,
                        "running", 1L,
                        "interrupted", 1L),
                all.runs().byState());
        assertEquals(Map.of("0", 2L, "1", 1L, "2", 1L, "143", 1L), all.runs().byExitCode());
        assertEquals(
                List.of("0", "1", "2", "143"),
                List.copyOf(all.runs().byExitCode().keySet()),
                "numeric order");
        // succeeded 2 of succeeded + failed + timed-out + interrupted = 6; cancelled does not count
        assertEquals(2.0 / 6, all.runs().successRate(), 1e-12);
        int runEvents = RUNS.stream().mapToInt(RunRow::events).sum();
        int sessionEvents = SESSIONS.stream().mapToInt(SessionRow::events).sum();
        assertEquals(runEvents + sessionEvents + OTHER_EVENTS, all.events());
        assertEquals(2, all.snapshots());

        Stats alpha = q.stats(new StatsQueries.Scope("alpha", false)).join();
        assertEquals("alpha", alpha.project());
        assertEquals(2, alpha.sessions().total());
        assertEquals(3, alpha.runs().total());
        assertEquals(Map.of("0", 1L, "1", 1L), alpha.runs().byExitCode());
        assertEquals(0.5, alpha.runs().successRate());
        assertEquals(3 + 3 + 2 + 2 + 5, alpha.events());
        assertEquals(1, alpha.snapshots());

        Stats nobody = q.stats(new StatsQueries.Scope("nobody", false)).join();
        assertEquals(0, nobody.runs().total());
        assertNull(nobody.runs().successRate(), "no run has ended");
        assertEquals(0, nobody.events());

        Stats byProject = q.stats(new StatsQueries.Scope(null, true)).join();
        assertEquals(all.runs(), byProject.runs());
        List<String> names =
                byProject.projects().stream().map(Stats.Project::project).toList();
        assertEquals(java.util.Arrays.asList("alpha", "beta", null), names);
        Stats.Project beta = byProject.projects().get(1);
        assertEquals(0, beta.sessions().total());
        assertEquals(Map.of("failed", 1L, "timed-out", 1L), beta.runs().byState());
        assertEquals(0.0, beta.runs().successRate());
        assertEquals(7, beta.events());
        assertEquals(
                alpha,
                new Stats(
                        "alpha",
                        byProject.projects().get(0).sessions(),
                        byProject.projects().get(0).runs(),
                        byProject.projects().get(0).events(),
                        byProject.projects().get(0).snapshots(),
                        alpha.store(),
                        null));
        assertEquals(
                all.events() - OTHER_EVENTS,
                byProject.projects().stream().mapToLong(Stats.Project::events).sum());
    }
}
