package io.kaged.daemon.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestEngine;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code DELETE /v1/runs/{id}[?purge=true]} through a real daemon with real processes, on both engines. */
class RunPurgeTest {

    @TempDir
    Path home;

    /** The ids, persistence ids and checkpoint ids of these runs: what no table may hold after a purge. */
    private static List<String> traces(TestDaemon d, List<String> runIds) throws Exception {
        List<String> values = new ArrayList<>();
        for (String id : runIds) {
            values.add(id);
            values.add("run|" + id);
            for (JsonNode cp :
                    d.json("GET", "/v1/runs/" + id + "/checkpoints", null, 200).get("items")) {
                values.add(cp.get("id").asText());
            }
        }
        return values;
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void purgeOfATreeLeavesNoRowOfItInAnyTableButTheAuditOfIt(TestEngine engine) throws Exception {
        try (TestDaemon d = new TestDaemon(engine, home, "")) {
            String root = d.dispatch(null, "/bin/sh", "-c", "echo root-output");
            d.awaitState(root, "succeeded");
            String child = d.dispatch(root, "/bin/sh", "-c", "echo child-output >&2");
            String grandchild = d.dispatch(child, "/bin/echo", "grandchild-output");
            String sibling = d.dispatch(root, "/bin/true");
            String stranger = d.dispatch(null, "/bin/echo", "kept");
            for (String id : List.of(child, grandchild, sibling, stranger)) {
                d.awaitState(id, "succeeded");
            }
            d.json("POST", "/v1/runs/" + child + "/checkpoints", "{\"label\":\"done\"}", 201);
            Eventually.waitFor(
                    TestDaemon.WAIT,
                    "the checkpoint's snapshot",
                    () -> d.count("SELECT COUNT(*) FROM snapshot WHERE persistence_id = ?", "run|" + child) == 1);
            // as a Pekko deleteMessages would leave it: purge must remove this table's row too
            d.store().inTransaction(c -> {
                io.kaged.actors.Sql.update(
                        c,
                        "INSERT INTO journal_deletions (persistence_id, deleted_to) VALUES (?, 0)",
                        "run|" + grandchild);
                return null;
            });

            List<String> tree = List.of(root, child, grandchild, sibling);
            List<String> traces = traces(d, tree);
            Set<String> audit = Set.of("audit");
            Map<String, Long> before = SchemaScan.rowsMentioning(d.store(), traces, audit);
            assertTrue(
                    before.keySet()
                            .containsAll(List.of(
                                    "runs", "journal", "journal_deletions", "snapshot", "transcripts", "checkpoints")),
                    "the scan must see the tree's rows before the purge: " + before);

            HttpResponse<String> purged = d.call("DELETE", "/v1/runs/" + root + "?purge=true", null);
            assertEquals(200, purged.statusCode(), purged.body());
            JsonNode body = TestDaemon.JSON.readTree(purged.body());
            assertEquals(4, body.get("removed").get("runs").asLong(), purged.body());
            assertTrue(body.get("removed").get("events").asLong() > 8, purged.body());
            assertTrue(body.get("removed").get("bytes").asLong() > 0, purged.body());

            assertEquals(Map.of(), SchemaScan.rowsMentioning(d.store(), traces, audit), "rows of the purged tree");
            for (String id : tree) {
                assertEquals(404, d.call("GET", "/v1/runs/" + id, null).statusCode(), id);
            }
            assertEquals("succeeded", d.state(stranger));
            assertEquals(
                    1,
                    d.count(
                            "SELECT COUNT(*) FROM audit WHERE kind = 'run.purge' AND subject = ? AND outcome = 'ok'"
                                    + " AND actor = 'api'",
                            root));
            String detail = d.store().withConnection(c -> {
                try (var ps = c.prepareStatement("SELECT detail FROM audit WHERE kind = 'run.purge'");
                        var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            JsonNode d1 = TestDaemon.JSON.readTree(detail);
            assertEquals(4, d1.get("runs").asLong(), detail);
            assertEquals(tree.size(), d1.get("ids").size(), detail);
            assertEquals(
                    404,
                    d.call("DELETE", "/v1/runs/" + root + "?purge=true", null).statusCode());
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void refusesToPurgeALiveRunOrATreeWithALiveChildAndDeletesNothing(TestEngine engine) throws Exception {
        try (TestDaemon d = new TestDaemon(engine, home, "")) {
            String parent = d.dispatch(null, "/bin/true");
            d.awaitState(parent, "succeeded");
            String child = d.dispatch(parent, "sleep", "60");
            d.awaitState(child, "running");
            Map<String, Long> rows = SchemaScan.rowCounts(d.store());

            HttpResponse<String> refused = d.call("DELETE", "/v1/runs/" + parent + "?purge=true", null);
            assertEquals(409, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains(child) && refused.body().contains("cancel"), refused.body());
            HttpResponse<String> live = d.call("DELETE", "/v1/runs/" + child + "?purge=true", null);
            assertEquals(409, live.statusCode(), live.body());
            Map<String, Long> after = SchemaScan.rowCounts(d.store());
            after.put("audit", rows.get("audit"));
            assertEquals(rows, after, "a refused purge deletes nothing");
            // refusals are audited like every request, after the answer
            Eventually.waitFor(
                    TestDaemon.WAIT,
                    "both refusals audited",
                    () -> d.count("SELECT COUNT(*) FROM audit WHERE kind = 'run.purge' AND outcome = 'refused'") == 2);
            assertEquals(
                    400,
                    d.call("DELETE", "/v1/runs/" + parent + "?purge=yes", null).statusCode());

            String scoped = new io.kaged.http.routes.RunTokens(d.token()).issue(parent);
            assertEquals(
                    403,
                    d.as(scoped, "DELETE", "/v1/runs/" + child + "?purge=true", null)
                            .statusCode());
            assertEquals(403, d.as(scoped, "DELETE", "/v1/runs/" + child, null).statusCode());
            assertEquals(
                    403, d.as(scoped, "POST", "/v1/prune?dryRun=true", null).statusCode());

            // Without purge, DELETE ends a live run like a session's DELETE; a finished one is refused.
            HttpResponse<String> cancelled = d.call("DELETE", "/v1/runs/" + child, null);
            assertEquals(200, cancelled.statusCode(), cancelled.body());
            assertEquals(
                    "cancelled",
                    TestDaemon.JSON.readTree(cancelled.body()).get("state").asText());
            HttpResponse<String> finished = d.call("DELETE", "/v1/runs/" + parent, null);
            assertEquals(409, finished.statusCode(), finished.body());
            assertTrue(finished.body().contains("?purge=true"), finished.body());

            Eventually.waitFor(
                    TestDaemon.WAIT,
                    "the cancelled tree purged",
                    () -> d.call("DELETE", "/v1/runs/" + parent + "?purge=true", null)
                                    .statusCode()
                            == 200);
            assertEquals(404, d.call("GET", "/v1/runs/" + child, null).statusCode());
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void purgesAPassivatedRunAndARunWhoseActorIsAliveAndNoActorKeepsThem(TestEngine engine) throws Exception {
        try (TestDaemon d = new TestDaemon(engine, home, "kaged.runs.passivate-after = 1s\n")) {
            String idle = d.dispatch(null, "/bin/echo", "idle");
            d.awaitState(idle, "succeeded");
            Eventually.waitFor(TestDaemon.WAIT, "the idle run passivated", () -> !d.hasRunActor(idle));
            String active = d.dispatch(null, "/bin/echo", "active");
            d.awaitState(active, "succeeded");
            assertTrue(d.hasRunActor(active), "a run that just finished still has its actor");

            for (String id : List.of(idle, active)) {
                HttpResponse<String> r = d.call("DELETE", "/v1/runs/" + id + "?purge=true", null);
                assertEquals(200, r.statusCode(), r.body());
                assertFalse(d.hasRunActor(id), "no actor keeps a purged run: " + id);
                assertEquals(404, d.call("GET", "/v1/runs/" + id, null).statusCode());
                assertEquals(
                        404, d.call("POST", "/v1/runs/" + id + "/cancel", null).statusCode());
                assertEquals(
                        Map.of(), SchemaScan.rowsMentioning(d.store(), List.of(id, "run|" + id), Set.of("audit")), id);
            }
        }
    }
}
