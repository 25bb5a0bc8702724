package io.kaged.daemon.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The retention policy through a real daemon, on both engines. Time passes by moving the daemon's clock:
 * runs and sessions are stamped by it, and the policy's cutoffs are taken from it.
 */
class RetentionTest {

    private static final String MANUAL = "kaged.retention { enabled = false, batch-size = 2,"
            + " transcripts.max-bytes-per-run = 1000 }\n"
            + "kaged.runs.flush-bytes = 256\n";

    @TempDir
    Path home;

    /** Every audit row, as text, by id. */
    private static Map<String, String> auditRows(TestDaemon d) throws Exception {
        return d.store().withConnection(c -> {
            Map<String, String> rows = new java.util.TreeMap<>();
            try (var ps = c.prepareStatement("SELECT id, at, actor, kind, subject, outcome, detail FROM audit");
                    var rs = ps.executeQuery()) {
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 2; i <= 7; i++) {
                        row.append(rs.getString(i)).append('|');
                    }
                    rows.put(rs.getString(1), row.toString());
                }
            }
            return rows;
        });
    }

    private static String session(TestDaemon d, String script) throws Exception {
        String body = TestDaemon.JSON.writeValueAsString(Map.of("command", List.of("/bin/sh", "-c", script)));
        return d.json("POST", "/v1/sessions", body, 201).get("id").asText();
    }

    private static void awaitSession(TestDaemon d, String id, String state) throws Exception {
        Eventually.waitFor(
                TestDaemon.WAIT, "session " + id + " " + state, () -> d.json("GET", "/v1/sessions/" + id, null, 200)
                        .get("state")
                        .asText()
                        .equals(state));
    }

    private static String output(TestDaemon d, String runId) throws Exception {
        return d.call("GET", "/v1/runs/" + runId + "/output", null).body();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aDryRunChangesNothingAndReportsWhatTheRealRunThenRemovesInBatches(TestEngine engine) throws Exception {
        try (TestDaemon d = new TestDaemon(engine, home, MANUAL)) {
            String single = d.dispatch(null, "/bin/echo", "old");
            String parent = d.dispatch(null, "/bin/true");
            d.awaitState(parent, "succeeded");
            String child = d.dispatch(parent, "/bin/echo", "old child");
            String keptParent = d.dispatch(null, "/bin/true");
            d.awaitState(keptParent, "succeeded");
            String liveChild = d.dispatch(keptParent, "sleep", "120");
            String ended = session(d, "exit 3");
            String live = session(d, "sleep 120");
            for (String id : List.of(single, child)) {
                d.awaitState(id, "succeeded");
            }
            d.awaitState(liveChild, "running");
            awaitSession(d, ended, "exited");
            awaitSession(d, live, "running");

            d.clock.advance(Duration.ofDays(91));
            String recent = d.dispatch(null, "/bin/echo", "recent");
            String chatty = d.dispatch(
                    null, "/bin/sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do printf '%0500d' $i; sleep 0.1; done");
            d.awaitState(recent, "succeeded");
            d.awaitState(chatty, "succeeded");
            String chattyOutput = output(d, chatty);
            assertEquals(5000, chattyOutput.length());

            d.clock.freeze();
            Map<String, String> auditBefore = auditRows(d);
            Map<String, Long> rowsBefore = SchemaScan.rowCounts(d.store());
            JsonNode plan = d.json("POST", "/v1/prune?dryRun=true", null, 200);
            assertEquals(rowsBefore, SchemaScan.rowCounts(d.store()), "a dry run changes nothing");
            assertEquals(3, plan.get("runs").get("count").asLong(), plan.toString());
            assertEquals(1, plan.get("sessions").get("count").asLong(), plan.toString());
            assertEquals(1, plan.get("transcripts").get("count").asLong(), plan.toString());
            assertTrue(plan.get("transcripts").get("bytes").asLong() >= 4000, plan.toString());
            assertTrue(plan.get("runs").get("events").asLong() >= 9, plan.toString());

            assertEquals(400, d.call("POST", "/v1/prune", null).statusCode());
            JsonNode done = d.json("POST", "/v1/prune?dryRun=false", null, 200);
            assertTrue(done.get("complete").asBoolean(), done.toString());
            for (String kind : List.of("criteria", "runs", "sessions", "transcripts", "bytes")) {
                assertEquals(plan.get(kind), done.get(kind), kind + ": the dry run said what the real run did");
            }
            // batches of 2: the two old leaves, then the parent they left a leaf, the session, the output
            assertTrue(done.get("batches").asInt() >= 4, done.toString());

            for (String id : List.of(single, parent, child)) {
                assertEquals(404, d.call("GET", "/v1/runs/" + id, null).statusCode(), id);
            }
            for (String id : List.of(keptParent, liveChild, recent, chatty)) {
                assertEquals(200, d.call("GET", "/v1/runs/" + id, null).statusCode(), id);
            }
            assertEquals(404, d.call("GET", "/v1/sessions/" + ended, null).statusCode());
            assertEquals(200, d.call("GET", "/v1/sessions/" + live, null).statusCode());
            String trimmed = output(d, chatty);
            assertTrue(trimmed.length() <= 1000 && trimmed.length() > 0, trimmed);
            assertTrue(chattyOutput.endsWith(trimmed), "the newest output is what stays");

            List<String> gone = new ArrayList<>();
            for (String id : List.of(single, parent, child, ended)) {
                gone.add(id);
                gone.add("run|" + id);
                gone.add("session|" + id);
            }
            assertEquals(Map.of(), SchemaScan.rowsMentioning(d.store(), gone, Set.of("audit")));

            Map<String, String> auditAfter = auditRows(d);
            for (Map.Entry<String, String> row : auditBefore.entrySet()) {
                assertEquals(row.getValue(), auditAfter.get(row.getKey()), "audit rows are never touched");
            }
            assertEquals(
                    done.get("batches").asLong(),
                    d.count("SELECT COUNT(*) FROM audit WHERE kind = 'retention.prune' AND actor = 'api'"),
                    "one audit row per batch");

            JsonNode again = d.json("POST", "/v1/prune?dryRun=true", null, 200);
            assertEquals(
                    0,
                    again.get("runs").get("count").asLong()
                            + again.get("sessions").get("count").asLong()
                            + again.get("transcripts").get("count").asLong(),
                    again.toString());
            d.call("POST", "/v1/runs/" + liveChild + "/cancel", null);
            d.call("DELETE", "/v1/sessions/" + live, null);
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aLimitStopsARealRunThatSaysSoAndTheNextRequestGoesOn(TestEngine engine) throws Exception {
        try (TestDaemon d = new TestDaemon(engine, home, MANUAL)) {
            List<String> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                runs.add(d.dispatch(null, "/bin/true"));
            }
            for (String id : runs) {
                d.awaitState(id, "succeeded");
            }
            d.clock.advance(Duration.ofDays(100));
            JsonNode first = d.json("POST", "/v1/prune?dryRun=false&limit=2", null, 200);
            assertEquals(2, first.get("runs").get("count").asLong(), first.toString());
            assertEquals(false, first.get("complete").asBoolean(), first.toString());
            JsonNode second = d.json("POST", "/v1/prune?dryRun=false&limit=2", null, 200);
            assertEquals(1, second.get("runs").get("count").asLong(), second.toString());
            assertTrue(second.get("complete").asBoolean(), second.toString());
            assertEquals(
                    400, d.call("POST", "/v1/prune?dryRun=false&limit=0", null).statusCode());
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void theDaemonAppliesThePolicyOnItsSchedule(TestEngine engine) throws Exception {
        String config = "kaged.retention { first-pass-after = 200ms, interval = 300ms }\n";
        try (TestDaemon d = new TestDaemon(engine, home, config)) {
            String old = d.dispatch(null, "/bin/true");
            d.awaitState(old, "succeeded");
            d.clock.advance(Duration.ofDays(90).plusHours(1));
            String recent = d.dispatch(null, "/bin/true");
            d.awaitState(recent, "succeeded");
            Eventually.waitFor(
                    TestDaemon.WAIT,
                    "the scheduled pass",
                    () -> d.call("GET", "/v1/runs/" + old, null).statusCode() == 404);
            assertEquals(
                    1,
                    d.count(
                            "SELECT COUNT(*) FROM audit WHERE kind = 'retention.prune' AND actor = 'policy:retention'"
                                    + " AND detail LIKE ?",
                            "%" + old + "%"));
            assertEquals("succeeded", d.state(recent));
        }
    }
}
