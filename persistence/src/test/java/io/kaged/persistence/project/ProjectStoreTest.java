package io.kaged.persistence.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.persistence.audit.AuditEntry;
import io.kaged.persistence.audit.AuditLog;
import io.kaged.persistence.store.StorageSettings;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import io.kaged.persistence.testing.TestSystems;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Projects and prompt versions on a real store, on both engines. */
class ProjectStoreTest {

    private static final int THREADS = 8;
    private static final int EDITS = 10;

    @TempDir
    Path home;

    private Store store;
    private ProjectStore projects;

    private void open(TestEngine engine) {
        store = Store.open(StorageSettings.fromConfig(
                TestSystems.config(TestDatabases.newStoreUrl(engine, home), home), Map.of()));
        projects = new ProjectStore(store, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void createsListsInNameOrderAndGetsProjects(TestEngine engine) throws Exception {
        open(engine);
        for (String name : List.of("zeta", "alpha", "Mid-1.x_y", "a_b", "a-b")) {
            Project p = await(projects.create(name, "{\"n\":\"" + name + "\"}", "test"))
                    .orElseThrow();
            assertEquals(name, p.name());
            assertEquals(36, p.id().length());
        }
        assertEquals(
                List.of("Mid-1.x_y", "a-b", "a_b", "alpha", "zeta"),
                await(projects.list(100, 0)).stream().map(Project::name).toList(),
                "code-point order on both engines, whatever PostgreSQL's locale");
        assertEquals(
                List.of("a-b"),
                await(projects.list(1, 1)).stream().map(Project::name).toList());
        assertEquals(List.of(), await(projects.list(10, 5)));
        Project alpha = await(projects.get("alpha")).orElseThrow();
        assertEquals("{\"n\":\"alpha\"}", alpha.config());
        assertEquals(alpha.createdAt(), alpha.updatedAt());
        assertTrue(await(projects.get("nope")).isEmpty());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void refusesADuplicateNameKeepsTheFirstAndAuditsBoth(TestEngine engine) throws Exception {
        open(engine);
        Project first = await(projects.create("dup", "{\"a\":1}", "test")).orElseThrow();
        assertTrue(await(projects.create("dup", "{\"a\":2}", "test")).isEmpty());
        assertEquals(1, await(projects.list(100, 0)).size());
        assertEquals("{\"a\":1}", await(projects.get("dup")).orElseThrow().config());
        assertEquals(first.id(), await(projects.get("dup")).orElseThrow().id());
        List<AuditEntry> audit = audit(ProjectStore.CREATE);
        assertEquals(
                List.of("refused", "ok"),
                audit.stream().map(AuditEntry::outcome).toList());
        assertTrue(audit.stream().allMatch(e -> e.subject().equals("dup")));
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void replacesTheConfigWithAnAuditRow(TestEngine engine) throws Exception {
        open(engine);
        Project created = await(projects.create("cfg", "{}", "test")).orElseThrow();
        Thread.sleep(5);
        Project replaced =
                await(projects.replaceConfig("cfg", "{\"model\":\"m\"}", "api")).orElseThrow();
        assertEquals("{\"model\":\"m\"}", replaced.config());
        assertEquals(created.createdAt(), replaced.createdAt());
        assertTrue(replaced.updatedAt().isAfter(created.updatedAt()), replaced.toString());
        assertTrue(await(projects.replaceConfig("nope", "{}", "api")).isEmpty());
        List<AuditEntry> audit = audit(ProjectStore.CONFIG);
        assertEquals(1, audit.size(), audit.toString());
        assertEquals("cfg", audit.get(0).subject());
        assertEquals("api", audit.get(0).actor());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void numbersVersionsFromOneAndReadsEachOfThem(TestEngine engine) throws Exception {
        open(engine);
        await(projects.create("p", "{}", "test"));
        for (int i = 1; i <= 3; i++) {
            PromptVersion v = await(projects.addVersion("p", "review", "text " + i + "\n", "alice", "api"))
                    .orElseThrow();
            assertEquals(i, v.version());
        }
        assertEquals(
                1,
                await(projects.addVersion("p", "summary", "s", "bob", "api"))
                        .orElseThrow()
                        .version());
        Project p = await(projects.get("p")).orElseThrow();

        PromptVersion latest = await(projects.latest(p, "review")).orElseThrow();
        assertEquals(3, latest.version());
        assertEquals("text 3\n", latest.body());
        assertEquals("alice", latest.author());
        assertEquals("p", latest.project());
        for (int i = 1; i <= 3; i++) {
            assertEquals(
                    "text " + i + "\n",
                    await(projects.version(p, "review", i)).orElseThrow().body());
        }
        assertTrue(await(projects.version(p, "review", 4)).isEmpty());
        assertTrue(await(projects.latest(p, "absent")).isEmpty());

        List<VersionSummary> versions = await(projects.versions(p, "review", 100, 0));
        assertEquals(
                List.of(1, 2, 3), versions.stream().map(VersionSummary::version).toList());
        assertEquals(7, versions.get(0).chars());
        assertEquals(
                List.of(2),
                await(projects.versions(p, "review", 1, 1)).stream()
                        .map(VersionSummary::version)
                        .toList());

        List<PromptSummary> prompts = await(projects.prompts(p, 100, 0));
        assertEquals(
                List.of("review", "summary"),
                prompts.stream().map(PromptSummary::prompt).toList());
        assertEquals(3, prompts.get(0).latestVersion());
        assertEquals("bob", prompts.get(1).author());
        assertEquals(1, await(projects.prompts(p, 1, 1)).size());

        assertTrue(await(projects.addVersion("nope", "review", "x", "alice", "api"))
                .isEmpty());
        assertEquals(4, audit(ProjectStore.PROMPT_SET).size(), "one audit row per version, none for a refusal");
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void concurrentEditsThroughTheStoreGetEveryVersionExactlyOnce(TestEngine engine) throws Exception {
        open(engine);
        await(projects.create("busy", "{}", "test"));
        List<Integer> numbers = race(
                (thread, edit) -> await(projects.addVersion("busy", "shared", thread + "/" + edit, "t" + thread, "api"))
                        .orElseThrow()
                        .version());
        assertEveryVersionOnce(numbers, "busy");
    }

    /**
     * Bypasses the write lanes: eight threads open their own transactions, so on PostgreSQL they really
     * race for the next number (on SQLite, BEGIN IMMEDIATE queues them on the file lock).
     */
    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void racingTransactionsOnTheDatabaseNeverDuplicateOrLoseAVersion(TestEngine engine) throws Exception {
        open(engine);
        await(projects.create("raced", "{}", "test"));
        List<Integer> numbers = race((thread, edit) -> store.inTransaction(
                        c -> projects.addVersion(c, "raced", "shared", thread + "/" + edit, "t" + thread, "api"))
                .orElseThrow()
                .version());
        assertEveryVersionOnce(numbers, "raced");
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aVersionAndItsAuditRowCommitTogetherOrNotAtAll(TestEngine engine) throws Exception {
        open(engine);
        await(projects.create("atomic", "{}", "test"));
        assertThrows(
                SQLException.class,
                () -> store.inTransaction(c -> {
                    projects.addVersion(c, "atomic", "p", "body", "alice", "api");
                    throw new SQLException("the caller fails after the insert");
                }));
        Project p = await(projects.get("atomic")).orElseThrow();
        assertTrue(await(projects.latest(p, "p")).isEmpty());
        assertEquals(0, audit(ProjectStore.PROMPT_SET).size());
        assertEquals(
                1,
                await(projects.addVersion("atomic", "p", "body", "alice", "api"))
                        .orElseThrow()
                        .version());
    }

    private interface Edit {
        int apply(int thread, int edit) throws Exception;
    }

    /** Runs {@link #EDITS} edits on each of {@link #THREADS} threads released at once; returns the numbers got. */
    private static List<Integer> race(Edit edit) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<Integer>>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    go.await();
                    List<Integer> got = new ArrayList<>();
                    for (int e = 0; e < EDITS; e++) {
                        got.add(edit.apply(thread, e));
                    }
                    return got;
                }));
            }
            go.countDown();
            List<Integer> all = new ArrayList<>();
            for (Future<List<Integer>> f : futures) {
                all.addAll(f.get(60, TimeUnit.SECONDS));
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    private void assertEveryVersionOnce(List<Integer> numbers, String project) throws Exception {
        List<Integer> expected =
                IntStream.rangeClosed(1, THREADS * EDITS).boxed().toList();
        assertEquals(expected, numbers.stream().sorted().toList(), "numbers handed out");
        Project p = await(projects.get(project)).orElseThrow();
        List<VersionSummary> stored = await(projects.versions(p, "shared", 1000, 0));
        assertEquals(expected, stored.stream().map(VersionSummary::version).toList(), "numbers stored");
        assertEquals(
                THREADS * EDITS,
                await(projects.latest(p, "shared")).orElseThrow().version());
        assertEquals(THREADS * EDITS, audit(ProjectStore.PROMPT_SET).size(), "one audit row per version");
    }

    private List<AuditEntry> audit(String kind) throws SQLException {
        return store.withConnection(c -> AuditLog.latest(c, kind, 1000));
    }
}
