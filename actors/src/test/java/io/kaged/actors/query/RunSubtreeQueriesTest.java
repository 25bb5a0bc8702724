package io.kaged.actors.query;

import static io.kaged.actors.query.Seed.T0;
import static io.kaged.actors.query.Seed.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.actors.Sql;
import io.kaged.actors.run.RunQueries;
import io.kaged.actors.run.agent.ApprovalQueries;
import io.kaged.actors.run.agent.ApprovalView;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.testing.TestEngine;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reads a run's token is scoped by, on both engines: whether a run is a descendant of another at any
 * depth, and the approvals of a run's descendants (never its own).
 */
class RunSubtreeQueriesTest {

    @TempDir
    Path home;

    private Store store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    /** 1 → 2 → 3 → 4 and 1 → 5; 6 stands alone. */
    private void seed(TestEngine engine) throws Exception {
        store = Seed.open(engine, home);
        Seed.runs(store, List.of(run(1, null), run(2, 1), run(3, 2), run(4, 3), run(5, 1), run(6, null)));
        store.inTransaction(c -> {
            for (int n : new int[] {1, 3, 5, 6}) {
                Sql.update(
                        c,
                        "INSERT INTO approvals (id, run_id, tool_call, options, state, requested_at)"
                                + " VALUES (?, ?, '{}', '[]', 'pending', ?)",
                        "a" + n,
                        id(n),
                        T0 + n);
            }
            return null;
        });
    }

    private static Seed.RunRow run(int n, Integer parent) {
        return new Seed.RunRow(n, "running", null, parent == null ? null : id(parent), null, "sleep", T0 + n);
    }

    private List<String> approvalsUnder(int n) {
        return new ApprovalQueries(store)
                .list(new ApprovalQueries.Filter(null, null, null, id(n), Paging.first())).join().items().stream()
                        .map(ApprovalView::id)
                        .toList();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void descendantsAtAnyDepthAndTheirApprovals(TestEngine engine) throws Exception {
        seed(engine);
        RunQueries runs = new RunQueries(store);
        assertTrue(runs.isDescendant(id(2), id(1)).join());
        assertTrue(runs.isDescendant(id(4), id(1)).join(), "a great-grandchild");
        assertTrue(runs.isDescendant(id(4), id(2)).join());
        assertTrue(runs.isDescendant(id(5), id(1)).join());
        assertFalse(runs.isDescendant(id(1), id(1)).join(), "a run is not its own descendant");
        assertFalse(runs.isDescendant(id(2), id(4)).join(), "an ancestor is not a descendant");
        assertFalse(runs.isDescendant(id(5), id(2)).join(), "a sibling's child is not");
        assertFalse(runs.isDescendant(id(6), id(1)).join());
        assertFalse(runs.isDescendant(id(99), id(1)).join(), "an unknown run");

        assertEquals(List.of("a3", "a5"), approvalsUnder(1));
        assertEquals(List.of("a3"), approvalsUnder(2));
        assertEquals(List.of(), approvalsUnder(4));
        assertEquals(List.of(), approvalsUnder(6));
    }
}
