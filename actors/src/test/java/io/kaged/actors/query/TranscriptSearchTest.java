package io.kaged.actors.query;

import static io.kaged.actors.query.Seed.T0;
import static io.kaged.actors.query.Seed.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.actors.run.RunFilter;
import io.kaged.actors.run.RunQueries;
import io.kaged.actors.run.RunView;
import io.kaged.actors.session.SessionFilter;
import io.kaged.actors.session.SessionQueries;
import io.kaged.actors.session.SessionView;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.testing.TestEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Substring search over recorded output, its bounds and how a bounded search continues, on both engines. */
class TranscriptSearchTest {

    @TempDir
    Path home;

    private Store store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    /**
     * Runs 1-6: 1 no match; 2 a match split across two recorded batches; 3 the text split across stdout and
     * stderr (no match); 4 a match inside terminal colour codes; 5 no output; 6 a match.
     */
    private RunQueries seeded(TestEngine engine) throws Exception {
        store = Seed.open(engine, home);
        Seed.runs(
                store,
                IntStream.rangeClosed(1, 6)
                        .mapToObj(n -> new Seed.RunRow(n, "succeeded", null, null, 0, "sh", T0 + n))
                        .toList());
        Seed.output(store, id(1), "stdout", "hello world\n");
        Seed.output(store, id(2), "stdout", "the nee", "dle is here");
        Seed.output(store, id(3), "stdout", "the nee");
        Seed.output(store, id(3), "stderr", "dle");
        Seed.output(store, id(4), "stderr", "\u001b[31mneedle\u001b[0m in red\r\n");
        Seed.output(store, id(6), "stdout", "needle");
        return new RunQueries(store);
    }

    private static RunFilter search(TranscriptSearch search, String after, int limit) {
        return new RunFilter(null, null, null, null, null, null, null, search, new Paging(after, false, limit, 0));
    }

    private static List<String> ids(Page<RunView> page) {
        return page.items().stream().map(RunView::id).toList();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void findsTheRunsWhoseOutputContainsTheText(TestEngine engine) throws Exception {
        RunQueries q = seeded(engine);
        TranscriptSearch needle = new TranscriptSearch("needle", 1 << 20, 1000);
        Page<RunView> page = q.list(search(needle, null, 100)).join();
        assertEquals(List.of(id(2), id(4), id(6)), ids(page));
        assertNull(page.next());
        TranscriptSearch.Report report = page.search();
        assertTrue(report.complete());
        assertEquals("needle", report.text());
        assertEquals(6, report.searched());
        assertEquals(
                List.of(id(2), id(4), id(6)),
                report.matches().stream().map(TranscriptSearch.Match::id).toList());
        assertEquals("the needle is here", report.matches().get(0).excerpt());
        assertEquals("needle in red", report.matches().get(1).excerpt());
        assertEquals("stderr", report.matches().get(1).stream());

        Page<RunView> firstTwo = q.list(search(needle, null, 2)).join();
        assertEquals(List.of(id(2), id(4)), ids(firstTwo));
        assertEquals(id(4), firstTwo.next());
        Page<RunView> rest = q.list(search(needle, firstTwo.next(), 2)).join();
        assertEquals(List.of(id(6)), ids(rest));
        assertNull(rest.next());

        Page<RunView> none = q.list(search(new TranscriptSearch("no such text", 1 << 20, 1000), null, 10))
                .join();
        assertEquals(List.of(), none.items());
        assertNull(none.next());
        assertTrue(none.search().complete());
        assertEquals(
                List.of(id(2), id(3), id(4), id(6)),
                ids(q.list(search(new TranscriptSearch("dle", 1 << 20, 1000), null, 10))
                        .join()),
                "run 3 has 'dle' on stderr");
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aByteBoundStopsTheScanAndNextContinuesIt(TestEngine engine) throws Exception {
        RunQueries q = seeded(engine);
        // 20 bytes: run 1 (12) is read, run 2 (7 + 11) does not fit, so the page stops after run 1.
        TranscriptSearch small = new TranscriptSearch("needle", 20, 1000);
        Page<RunView> first = q.list(search(small, null, 10)).join();
        assertEquals(List.of(), first.items());
        assertFalse(first.search().complete());
        assertEquals(id(1), first.next());
        assertTrue(first.search().scannedBytes() <= 20, first.search().toString());

        // Continuing: run 2 is the first of this request, so it is searched whatever the bound.
        Page<RunView> second = q.list(search(small, first.next(), 10)).join();
        assertEquals(List.of(id(2)), ids(second));
        assertEquals(id(2), second.next());
        assertFalse(second.search().complete());

        List<String> found = new java.util.ArrayList<>(ids(second));
        String cursor = second.next();
        for (int i = 0; cursor != null && i < 20; i++) {
            Page<RunView> page = q.list(search(small, cursor, 10)).join();
            found.addAll(ids(page));
            cursor = page.next();
        }
        assertNull(cursor, "the scan reaches the end");
        assertEquals(List.of(id(2), id(4), id(6)), found);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void anItemCountBoundAndAnOversizedFirstItemAreReported(TestEngine engine) throws Exception {
        RunQueries q = seeded(engine);
        Page<RunView> two = q.list(search(new TranscriptSearch("needle", 1 << 20, 2), null, 10))
                .join();
        assertEquals(List.of(id(2)), ids(two));
        assertEquals(2, two.search().searched());
        assertEquals(id(2), two.next());
        assertFalse(two.search().complete());

        Page<RunView> cut =
                q.list(search(new TranscriptSearch("world", 5, 1000), null, 10)).join();
        assertEquals(List.of(), cut.items(), "run 1 says 'world' after byte 5: beyond the bound");
        assertEquals(1, cut.search().cutShort());
        assertEquals(id(1), cut.next());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void searchesSessionTranscriptsAndRefusesOffsets(TestEngine engine) throws Exception {
        RunQueries runs = seeded(engine);
        Seed.sessions(
                store,
                List.of(new Seed.SessionRow(100, "running", null, T0), new Seed.SessionRow(101, "closed", null, T0)));
        Seed.output(store, id(101), "pty", "$ echo secret-word\r\nsecret-word\r\n$ ");
        Page<SessionView> found = new SessionQueries(store)
                .list(new SessionFilter(
                        null, null, null, null, new TranscriptSearch("secret-word", 1 << 20, 100), Paging.first()))
                .join();
        assertEquals(
                List.of(id(101)), found.items().stream().map(SessionView::id).toList());
        assertEquals(
                "$ echo secret-word secret-word $",
                found.search().matches().get(0).excerpt());

        RunFilter withOffset = new RunFilter(
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                new TranscriptSearch("needle", 100, 100),
                new Paging(null, false, 10, 1));
        CompletionException e = assertThrows(
                CompletionException.class, () -> runs.list(withOffset).join());
        assertTrue(e.getCause() instanceof IllegalArgumentException, e.toString());
    }
}
