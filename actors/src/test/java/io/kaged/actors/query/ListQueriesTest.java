package io.kaged.actors.query;

import static io.kaged.actors.query.Seed.T0;
import static io.kaged.actors.query.Seed.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.actors.audit.AuditFilter;
import io.kaged.actors.audit.AuditQueries;
import io.kaged.actors.audit.AuditView;
import io.kaged.actors.run.RunFilter;
import io.kaged.actors.run.RunQueries;
import io.kaged.actors.run.RunView;
import io.kaged.actors.session.SessionFilter;
import io.kaged.actors.session.SessionQueries;
import io.kaged.actors.session.SessionView;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.testing.TestEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every filter and every paging edge of the session, run and audit lists, on both engines. */
class ListQueriesTest {

    private static final String[] RUN_STATES = {"succeeded", "failed", "running", "cancelled", "timed-out"};

    @TempDir
    Path home;

    private Store store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    /** 30 runs: states, projects, commands and exit codes cycle; 21-30 are children of run 1. */
    private static List<Seed.RunRow> runRows() {
        return IntStream.rangeClosed(1, 30)
                .mapToObj(n -> {
                    String state = RUN_STATES[n % RUN_STATES.length];
                    Integer exit =
                            switch (state) {
                                case "succeeded" -> 0;
                                case "failed" -> n % 2 == 0 ? 1 : 2;
                                case "timed-out" -> 143;
                                default -> null;
                            };
                    String project = n % 3 == 0 ? "alpha" : n % 3 == 1 ? "beta" : null;
                    return new Seed.RunRow(
                            n,
                            state,
                            project,
                            n > 20 ? id(1) : null,
                            exit,
                            n % 2 == 0 ? "claude" : "make",
                            T0 + n * 60_000L);
                })
                .toList();
    }

    private RunQueries seededRuns(TestEngine engine) throws Exception {
        store = Seed.open(engine, home);
        Seed.runs(store, runRows());
        return new RunQueries(store);
    }

    private static RunFilter runs(
            String state,
            String project,
            String parent,
            Integer exit,
            String command,
            Long after,
            Long before,
            Paging paging) {
        return new RunFilter(state, project, parent, exit, command, after, before, null, paging);
    }

    private static Paging all() {
        return new Paging(null, false, Paging.MAX_LIMIT, 0);
    }

    private static List<String> expectedRuns(Predicate<Seed.RunRow> p) {
        return runRows().stream().filter(p).map(Seed.RunRow::id).toList();
    }

    private static <T> List<String> ids(Page<T> page, Function<T, String> id) {
        return page.items().stream().map(id).toList();
    }

    private static List<String> runIds(Page<RunView> page) {
        return ids(page, RunView::id);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void everyRunFilterSelectsExactlyTheMatchingRuns(TestEngine engine) throws Exception {
        RunQueries q = seededRuns(engine);
        long at10 = T0 + 10 * 60_000L;
        long at12 = T0 + 12 * 60_000L;
        assertEquals(30, q.list(RunFilter.all()).join().items().size());
        assertEquals(
                expectedRuns(r -> r.state().equals("failed")),
                runIds(q.list(runs("failed", null, null, null, null, null, null, all()))
                        .join()));
        assertEquals(
                expectedRuns(r -> "alpha".equals(r.project())),
                runIds(q.list(runs(null, "alpha", null, null, null, null, null, all()))
                        .join()));
        assertEquals(
                expectedRuns(r -> id(1).equals(r.parent())),
                runIds(q.list(runs(null, null, id(1), null, null, null, null, all()))
                        .join()));
        for (int exit : new int[] {0, 1, 2, 143}) {
            assertEquals(
                    expectedRuns(r -> Objects.equals(r.exitCode(), exit)),
                    runIds(q.list(runs(null, null, null, exit, null, null, null, all()))
                            .join()),
                    "exitCode=" + exit);
        }
        assertEquals(
                expectedRuns(r -> r.commandName().equals("claude")),
                runIds(q.list(runs(null, null, null, null, "claude", null, null, all()))
                        .join()));
        assertEquals(
                expectedRuns(r -> r.createdAt() >= at10),
                runIds(q.list(runs(null, null, null, null, null, at10, null, all()))
                        .join()),
                "createdAfter is inclusive");
        assertEquals(
                expectedRuns(r -> r.createdAt() < at12),
                runIds(q.list(runs(null, null, null, null, null, null, at12, all()))
                        .join()),
                "createdBefore is exclusive");
        assertEquals(
                List.of(id(10), id(11)),
                runIds(q.list(runs(null, null, null, null, null, at10, at12, all()))
                        .join()));
        List<String> combined = expectedRuns(r -> "alpha".equals(r.project())
                && r.state().equals("failed")
                && r.commandName().equals("claude"));
        assertFalse(combined.isEmpty());
        assertEquals(
                combined,
                runIds(q.list(runs("failed", "alpha", null, null, "claude", null, null, all()))
                        .join()));
        assertEquals(
                List.of(),
                runIds(q.list(runs(null, "no-such-project", null, null, null, null, null, all()))
                        .join()));
    }

    /** Follows {@code next} from the start; checks each page's shape on the way. */
    private static List<List<String>> pages(Function<Paging, Page<RunView>> list, int limit, boolean descending) {
        List<List<String>> pages = new ArrayList<>();
        String cursor = null;
        do {
            Page<RunView> page = list.apply(new Paging(cursor, descending, limit, 0));
            List<String> ids = runIds(page);
            pages.add(ids);
            if (page.next() != null) {
                assertEquals(limit, ids.size(), "only a full page has a next");
                assertEquals(ids.get(ids.size() - 1), page.next(), "next is the last id of the page");
            }
            cursor = page.next();
            assertTrue(pages.size() < 100, "paging must end");
        } while (cursor != null);
        return pages;
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void cursorPagesCoverTheListOnceInAStableOrder(TestEngine engine) throws Exception {
        RunQueries q = seededRuns(engine);
        List<String> everyId = expectedRuns(r -> true);
        Function<Paging, Page<RunView>> unfiltered =
                p -> q.list(runs(null, null, null, null, null, null, null, p)).join();

        List<List<String>> by7 = pages(unfiltered, 7, false);
        assertEquals(List.of(7, 7, 7, 7, 2), by7.stream().map(List::size).toList());
        assertEquals(everyId, by7.stream().flatMap(List::stream).toList());

        List<List<String>> by10 = pages(unfiltered, 10, false);
        assertEquals(3, by10.size(), "an exactly full last page says there is no next");

        List<String> newestFirst = new ArrayList<>(everyId);
        newestFirst.sort(Comparator.reverseOrder());
        List<List<String>> desc = pages(unfiltered, 4, true);
        assertEquals(newestFirst, desc.stream().flatMap(List::stream).toList());

        List<List<String>> failed = pages(
                p -> q.list(runs("failed", null, null, null, null, null, null, p))
                        .join(),
                2,
                false);
        assertEquals(
                expectedRuns(r -> r.state().equals("failed")),
                failed.stream().flatMap(List::stream).toList());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void countsChildrenOfThePageItemsInEveryOrderAndOffset(TestEngine engine) throws Exception {
        RunQueries q = seededRuns(engine);
        for (boolean descending : new boolean[] {false, true}) {
            for (int offset : new int[] {0, 5, 29}) {
                Page<RunView> page = q.list(
                                runs(null, null, null, null, null, null, null, new Paging(null, descending, 3, offset)))
                        .join();
                List<String> expected = new ArrayList<>(expectedRuns(r -> true));
                if (descending) {
                    expected.sort(Comparator.reverseOrder());
                }
                assertEquals(
                        expected.subList(offset, Math.min(30, offset + 3)),
                        runIds(page),
                        "descending " + descending + ", offset " + offset);
                for (RunView run : page.items()) {
                    assertEquals(run.id().equals(id(1)) ? 10 : 0, run.children(), run.id());
                }
            }
        }
        assertEquals(10, q.get(id(1)).join().orElseThrow().children());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void pagingEdgesAreEmptyPagesWithoutNext(TestEngine engine) throws Exception {
        RunQueries q = seededRuns(engine);
        Page<RunView> pastTheEnd = q.list(
                        runs(null, null, null, null, null, null, null, new Paging(id(999), false, 10, 0)))
                .join();
        assertEquals(List.of(), pastTheEnd.items());
        assertNull(pastTheEnd.next());
        Page<RunView> beforeTheStart = q.list(
                        runs(null, null, null, null, null, null, null, new Paging(id(0), true, 10, 0)))
                .join();
        assertEquals(List.of(), beforeTheStart.items());
        assertNull(beforeTheStart.next());

        Page<RunView> offsetPast = q.list(
                        runs(null, null, null, null, null, null, null, new Paging(null, false, 10, 30)))
                .join();
        assertEquals(List.of(), offsetPast.items());
        assertNull(offsetPast.next());
        Page<RunView> lastTwo = q.list(runs(null, null, null, null, null, null, null, new Paging(null, false, 5, 28)))
                .join();
        assertEquals(List.of(id(29), id(30)), runIds(lastTwo));
        assertNull(lastTwo.next());
        assertEquals(28, lastTwo.offset());

        Page<RunView> offsetAfterCursor = q.list(
                        runs(null, null, null, null, null, null, null, new Paging(id(10), false, 3, 5)))
                .join();
        assertEquals(List.of(id(16), id(17), id(18)), runIds(offsetAfterCursor));
        assertEquals(id(18), offsetAfterCursor.next());

        Page<RunView> noMatch = q.list(runs("paused", null, null, null, null, null, null, Paging.first()))
                .join();
        assertEquals(List.of(), noMatch.items());
        assertNull(noMatch.next());
        assertEquals(100, noMatch.limit());
        assertNull(noMatch.search(), "a list without a text filter reports no search");

        Page<SessionView> emptyStore =
                new SessionQueries(store).list(SessionFilter.all()).join();
        assertEquals(List.of(), emptyStore.items());
        assertNull(emptyStore.next());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void sessionFiltersAndPages(TestEngine engine) throws Exception {
        store = Seed.open(engine, home);
        String[] states = {"running", "closed", "exited"};
        List<Seed.SessionRow> rows = IntStream.rangeClosed(1, 12)
                .mapToObj(n -> new Seed.SessionRow(n, states[n % 3], n % 2 == 0 ? "web" : null, T0 + n * 1000L))
                .toList();
        Seed.sessions(store, rows);
        SessionQueries q = new SessionQueries(store);
        Function<Predicate<Seed.SessionRow>, List<String>> expected =
                p -> rows.stream().filter(p).map(Seed.SessionRow::id).toList();
        Paging all = all();
        assertEquals(
                expected.apply(s -> s.state().equals("closed")),
                ids(
                        q.list(new SessionFilter("closed", null, null, null, null, all))
                                .join(),
                        SessionView::id));
        assertEquals(
                expected.apply(s -> "web".equals(s.project())),
                ids(
                        q.list(new SessionFilter(null, "web", null, null, null, all))
                                .join(),
                        SessionView::id));
        assertEquals(
                expected.apply(s -> s.createdAt() >= T0 + 5000 && s.createdAt() < T0 + 8000),
                ids(
                        q.list(new SessionFilter(null, null, T0 + 5000, T0 + 8000, null, all))
                                .join(),
                        SessionView::id));
        Page<SessionView> first = q.list(new SessionFilter(null, null, null, null, null, new Paging(null, true, 5, 0)))
                .join();
        assertEquals(List.of(id(12), id(11), id(10), id(9), id(8)), ids(first, SessionView::id));
        Page<SessionView> second = q.list(
                        new SessionFilter(null, null, null, null, null, new Paging(first.next(), true, 5, 0)))
                .join();
        assertEquals(List.of(id(7), id(6), id(5), id(4), id(3)), ids(second, SessionView::id));
        Page<SessionView> last = q.list(
                        new SessionFilter(null, null, null, null, null, new Paging(second.next(), true, 5, 0)))
                .join();
        assertEquals(List.of(id(2), id(1)), ids(last, SessionView::id));
        assertNull(last.next());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void auditFiltersByKindFamilySubjectAndTime(TestEngine engine) throws Exception {
        store = Seed.open(engine, home);
        String[] kinds = {
            "run.dispatch", "run.cancel", "runs.other", "session.create", "back_up.create", "backxup.create"
        };
        List<Seed.AuditRow> rows = IntStream.rangeClosed(1, 24)
                .mapToObj(n -> new Seed.AuditRow(n, T0 + n * 1000L, kinds[n % kinds.length], "subject-" + (n % 4)))
                .toList();
        Seed.audit(store, rows);
        AuditQueries q = new AuditQueries(store);
        Function<Predicate<Seed.AuditRow>, List<String>> newestFirst = p -> rows.stream()
                .filter(p)
                .map(Seed.AuditRow::id)
                .sorted(Comparator.reverseOrder())
                .toList();
        Function<AuditFilter, List<String>> list = f -> ids(q.list(f).join(), AuditView::id);
        Paging all = new Paging(null, true, Paging.MAX_LIMIT, 0);

        assertEquals(newestFirst.apply(a -> true), list.apply(new AuditFilter(null, null, null, null, all)));
        assertEquals(
                newestFirst.apply(a -> a.kind().equals("run.cancel")),
                list.apply(new AuditFilter("run.cancel", null, null, null, all)));
        assertEquals(
                newestFirst.apply(a -> a.kind().startsWith("run.")),
                list.apply(new AuditFilter("run.*", null, null, null, all)),
                "run.* is the run family, not runs.other");
        assertEquals(
                newestFirst.apply(a -> a.kind().equals("back_up.create")),
                list.apply(new AuditFilter("back_up.*", null, null, null, all)),
                "'_' in a family is a letter, not a wildcard");
        assertEquals(
                newestFirst.apply(a -> a.subject().equals("subject-1")),
                list.apply(new AuditFilter(null, "subject-1", null, null, all)));
        assertEquals(
                newestFirst.apply(a -> a.at() >= T0 + 3000 && a.at() < T0 + 7000),
                list.apply(new AuditFilter(null, null, T0 + 3000, T0 + 7000, all)));
        assertEquals(
                newestFirst.apply(
                        a -> a.kind().startsWith("run.") && a.subject().equals("subject-1")),
                list.apply(new AuditFilter("run.*", "subject-1", null, null, all)));

        Page<AuditView> top = q.list(new AuditFilter(null, null, null, null, new Paging(null, true, 3, 0)))
                .join();
        assertEquals(List.of(id(24), id(23), id(22)), ids(top, AuditView::id));
        assertEquals(
                T0 + 24_000, java.time.Instant.parse(top.items().get(0).at()).toEpochMilli());
        assertEquals(
                List.of(id(21), id(20), id(19)),
                list.apply(new AuditFilter(null, null, null, null, new Paging(top.next(), true, 3, 0))));
    }
}
