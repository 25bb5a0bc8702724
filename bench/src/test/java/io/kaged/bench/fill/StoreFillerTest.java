package io.kaged.bench.fill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunLauncher;
import io.kaged.actors.run.RunQueries;
import io.kaged.actors.run.RunSettings;
import io.kaged.actors.run.RunSummary;
import io.kaged.actors.run.RunView;
import io.kaged.daemon.config.ConfigLoader;
import io.kaged.daemon.config.LoadedConfig;
import io.kaged.daemon.serve.Daemon;
import io.kaged.persistence.journal.JournalEvents;
import io.kaged.persistence.serialization.PayloadCodec;
import io.kaged.persistence.store.StorageSettings;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.store.StoreExtension;
import io.kaged.persistence.store.StoreLock;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import io.kaged.persistence.testing.TestSystems;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fill writes real kaged data, on both engines: rows that the real actors recover to, journal events
 * that the events route streams, output in the transcripts, and the audit rows asked for. The plan the
 * fill followed is rebuilt from the same options and compared with what the store holds.
 */
class StoreFillerTest {

    private static final Instant END = Instant.parse("2026-11-01T00:00:00Z");
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private String url;

    /** The config a daemon started with KAGED_HOME and KAGED_DATABASE_URL on a new store would have. */
    private LoadedConfig config(TestEngine engine) {
        url = TestDatabases.newStoreUrl(engine, home);
        return ConfigLoader.load(Map.of("KAGED_HOME", home.toString(), "KAGED_DATABASE_URL", url), null);
    }

    private static StorageSettings storage(LoadedConfig loaded) {
        return StorageSettings.fromConfig(loaded.config(), loaded.env());
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void fillsRunsWhoseJournalRecoversTheStateTheirRowsShow(TestEngine engine) throws Exception {
        LoadedConfig loaded = config(engine);
        FillOptions options = FillOptions.small(150, 6, 700, END);
        StoreFiller.Result result;
        try (StoreFiller filler = StoreFiller.open(loaded.config(), storage(loaded))) {
            result = filler.fill(options, QUIET);
        }
        SessionHistories sessions = new SessionHistories(options);
        RunHistories plan = new RunHistories(options, sessions.timeline());
        List<RunHistories.PlannedRun> runs = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            runs.add(plan.plan(i));
        }

        ActorTestKit kit = ActorTestKit.create("fill-check", TestSystems.config(url, home));
        ExecutorService blocking = Executors.newCachedThreadPool();
        try {
            Store store = StoreExtension.store(kit.system().classicSystem());
            RunQueries queries = new RunQueries(store);
            JournalEvents journal =
                    new JournalEvents(store, new PayloadCodec(kit.system().classicSystem()));
            RunSettings settings =
                    RunSettings.fromConfig(kit.system().settings().config());
            Set<String> states = new HashSet<>();
            long events = 0;
            for (RunHistories.PlannedRun run : runs) {
                RunView row = queries.get(run.id()).join().orElseThrow();
                assertEquals(run.outcome(), row.state(), run.id());
                assertEquals(run.exitCode(), row.exitCode(), run.id());
                assertEquals(run.attempts(), row.attempts(), run.id());
                assertEquals(7, UUID.fromString(run.id()).version(), "ids are UUIDv7");
                states.add(row.state());

                List<JournalEvents.StoredEvent> stored =
                        journal.after(run.persistenceId(), 0, 1000).join();
                assertEquals(
                        run.events().stream()
                                .map(e -> e.getClass().getSimpleName())
                                .toList(),
                        stored.stream()
                                .map(e -> e.event().getClass().getSimpleName())
                                .toList(),
                        "the journal replays the planned events of " + run.id());
                events += stored.size();

                ActorRef<RunActor.Command> actor = kit.spawn(
                        RunActor.create(
                                run.id(),
                                settings,
                                new RunLauncher(blocking, id -> Map.of()),
                                blocking,
                                Clock.systemUTC(),
                                kit.<io.kaged.actors.run.RunSupervisor.Command>createTestProbe()
                                        .ref()),
                        "run-" + run.index());
                TestProbe<StatusReply<RunSummary>> probe = kit.createTestProbe();
                actor.tell(new RunActor.GetSummary(probe.ref()));
                assertEquals(
                        new RunSummary(run.id(), row.state(), row.exitCode(), row.attempts()),
                        probe.receiveMessage(Duration.ofSeconds(10)).getValue(),
                        "the recovered actor agrees with the query table");
                kit.stop(actor);

                assertArrayEquals(
                        plannedOutput(run),
                        queries.output(run.id(), null, false).join(),
                        "output of " + run.id());
            }
            assertEquals(Set.of("succeeded", "failed", "cancelled", "timed-out"), states);
            assertEquals(runs.size(), result.stats().runs().total());

            assertChildrenFollowTheirParents(store, runs);
            assertEquals(List.of(700L, 700L), List.of(result.auditTotal(), count(store, "audit")));
            assertTrue(ordered(store, "SELECT id FROM audit ORDER BY at"), "audit ids in time order");
            assertTrue(ordered(store, "SELECT id FROM runs ORDER BY created_at"), "run ids in creation order");
            assertEquals(6, result.stats().sessions().total());
            assertEquals(events + sessionEvents(sessions), result.stats().events(), "every event is in the journal");
        } finally {
            kit.shutdownTestKit();
            blocking.shutdownNow();
        }
        streamsTheHistoryThroughTheDaemon(loaded, runs);
    }

    /** The daemon starts on the filled store and its events route replays a finished run's whole history. */
    private void streamsTheHistoryThroughTheDaemon(LoadedConfig loaded, List<RunHistories.PlannedRun> runs)
            throws Exception {
        Daemon daemon = Daemon.start(loaded, 0);
        try {
            String token = Files.readString(home.resolve("auth-token")).trim();
            HttpClient http = HttpClient.newHttpClient();
            Map<String, RunHistories.PlannedRun> oneOfEach = new HashMap<>();
            runs.forEach(r -> oneOfEach.putIfAbsent(r.outcome(), r));
            for (RunHistories.PlannedRun run : oneOfEach.values()) {
                HttpResponse<String> sse = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.port() + "/v1/runs/" + run.id()
                                        + "/events?from=0"))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, sse.statusCode(), sse.body());
                List<String> types = sse.body()
                        .lines()
                        .filter(l -> l.startsWith("event:"))
                        .map(l -> l.substring("event:".length()).trim())
                        .toList();
                assertEquals("Dispatched", types.get(0), sse.body());
                assertTrue(types.size() >= 2, "a finished run's stream holds its end: " + types);
            }
            HttpResponse<String> failed = http.send(
                    HttpRequest.newBuilder(URI.create(
                                    "http://127.0.0.1:" + daemon.port() + "/v1/runs?state=failed&limit=1000"))
                            .header("Authorization", "Bearer " + token)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode page = JSON.readTree(failed.body());
            assertEquals(
                    runs.stream().filter(r -> r.outcome().equals("failed")).count(),
                    page.get("items").size());
        } finally {
            daemon.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void refusesAStoreADaemonHolds(TestEngine engine) {
        LoadedConfig loaded = config(engine);
        StorageSettings storage = storage(loaded);
        try (StoreLock daemon = StoreLock.tryAcquire(storage.target()).orElseThrow()) {
            StoreFiller.FillRefused refused =
                    assertThrows(StoreFiller.FillRefused.class, () -> StoreFiller.open(loaded.config(), storage));
            assertTrue(refused.getMessage().contains("held by a running kaged"), refused.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void refusesAStoreWithDataUnlessAskedToAppend(TestEngine engine) throws Exception {
        LoadedConfig loaded = config(engine);
        try (StoreFiller filler = StoreFiller.open(loaded.config(), storage(loaded))) {
            filler.fill(FillOptions.small(10, 1, 20, END), QUIET);
            StoreFiller.FillRefused refused = assertThrows(
                    StoreFiller.FillRefused.class, () -> filler.fill(FillOptions.small(10, 1, 20, END), QUIET));
            assertTrue(refused.getMessage().contains("already holds 10 runs"), refused.getMessage());
            FillOptions more = new FillOptions(10, 1, 20, 6, END.minusSeconds(60), 6, 8, true);
            StoreFiller.Result result = filler.fill(more, QUIET);
            assertEquals(20, result.stats().runs().total());
            assertEquals(40, result.auditTotal());

            // The same seed and end again are the same ids: their journals are refused, not extended.
            IllegalStateException again = assertThrows(IllegalStateException.class, () -> filler.fill(more, QUIET));
            assertTrue(again.getMessage().contains("already holds"), again.getMessage());
            assertEquals(20, filler.runs());
        }
    }

    private static byte[] plannedOutput(RunHistories.PlannedRun run) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        run.events().stream()
                .filter(e -> e instanceof RunActor.OutputRecorded)
                .forEach(e -> out.writeBytes(((RunActor.OutputRecorded) e).data()));
        return out.toByteArray();
    }

    private static long sessionEvents(SessionHistories sessions) {
        long n = 0;
        for (int i = 0; i < sessions.size(); i++) {
            n += sessions.plan(i).events().size();
        }
        return n;
    }

    private static void assertChildrenFollowTheirParents(Store store, List<RunHistories.PlannedRun> runs)
            throws Exception {
        long children = store.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM runs c JOIN runs p ON c.parent_id ="
                            + " p.id WHERE c.created_at > p.created_at AND c.project IS NOT DISTINCT FROM p.project");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        assertEquals(runs.stream().filter(r -> r.depth() > 0).count(), children);
        assertTrue(children > 0, "some runs are subagents");
        assertTrue(runs.stream().anyMatch(r -> r.depth() == 2), "some subagents have subagents");
    }

    private static long count(Store store, String table) throws Exception {
        return store.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table);
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static boolean ordered(Store store, String sql) throws Exception {
        List<String> ids = store.withConnection(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
        List<String> sorted = new ArrayList<>(ids);
        sorted.sort(null);
        return ids.equals(sorted);
    }
}
