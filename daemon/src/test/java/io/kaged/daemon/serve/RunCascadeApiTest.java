package io.kaged.daemon.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.daemon.cli.Cli;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestEngine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * A cancel through the API and the CLI reaches the run's child runs, one started by the parent's own
 * process with its KAGED_TOKEN and one by parentId, and their child; an abandoned child runs on.
 */
class RunCascadeApiTest {

    @TempDir
    Path home;

    private TestDaemon kaged;

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        return kaged.call(method, path, body);
    }

    private String dispatch(String body) throws Exception {
        HttpResponse<String> r = call("POST", "/v1/runs", body);
        assertEquals(201, r.statusCode(), r.body());
        return TestDaemon.JSON.readTree(r.body()).get("id").asText();
    }

    private JsonNode run(String id) throws Exception {
        return TestDaemon.JSON.readTree(call("GET", "/v1/runs/" + id, null).body());
    }

    private void awaitState(String id, String state) throws Exception {
        Eventually.waitFor(TestDaemon.WAIT, "run " + id + " " + state, () -> run(id).get("state")
                .asText()
                .equals(state));
    }

    private String sleeper(String parentId, String extra) {
        return "{\"command\":[\"sleep\",\"600\"],\"parentId\":\"" + parentId + "\"" + extra + "}";
    }

    private String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.commandLine(kaged.env());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        assertEquals(0, cl.execute(args), out + "" + err);
        return out.toString();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void cancelAnswersAndPrintsHowManyDescendantsItStopped(TestEngine engine) throws Exception {
        kaged = new TestDaemon(engine, home, "");
        try {
            Path ids = home.resolve("child-id");
            // The parent starts its own child with its scoped token, as an agent starts a subagent.
            String script = "curl -sf -H \"Authorization: Bearer $KAGED_TOKEN\" -H 'Content-Type: application/json'"
                    + " -d '{\"command\":[\"sleep\",\"600\"]}' $KAGED_URL/v1/runs > " + ids + ".tmp"
                    + " && mv " + ids + ".tmp " + ids + "; exec sleep 600";
            String parent = dispatch("{\"command\":[\"/bin/sh\",\"-c\",\"" + script.replace("\"", "\\\"") + "\"]}");
            Eventually.waitFor(TestDaemon.WAIT, "the parent's own child", () -> Files.exists(ids));
            String own =
                    TestDaemon.JSON.readTree(Files.readString(ids)).get("id").asText();
            assertEquals(parent, run(own).get("parentId").asText());
            String byId = dispatch(sleeper(parent, ""));
            String grandchild = dispatch(sleeper(byId, ""));
            String abandoned = dispatch(sleeper(parent, ",\"onParentEnd\":\"abandon\""));
            for (String id : new String[] {parent, own, byId, grandchild, abandoned}) {
                awaitState(id, "running");
            }
            assertEquals(
                    400,
                    call("POST", "/v1/runs", sleeper(parent, ",\"onParentEnd\":\"later\""))
                            .statusCode());

            HttpResponse<String> cancelled = call("POST", "/v1/runs/" + parent + "/cancel", null);
            assertEquals(200, cancelled.statusCode(), cancelled.body());
            JsonNode answer = TestDaemon.JSON.readTree(cancelled.body());
            assertEquals("cancelled", answer.get("state").asText());
            assertEquals(3, answer.get("cancelledDescendants").asInt(), answer.toString());
            for (String id : new String[] {own, byId, grandchild}) {
                assertEquals("cancelled", run(id).get("state").asText(), id);
            }
            String events = call("GET", "/v1/runs/" + grandchild + "/events?follow=false", null)
                    .body();
            assertTrue(events.contains("\"reason\":\"parent cancelled\""), events);
            assertEquals("running", run(abandoned).get("state").asText());

            String child = dispatch(sleeper(abandoned, ""));
            awaitState(child, "running");
            assertEquals(
                    "Run " + abandoned + " is cancelled; 1 descendant run cancelled.\n",
                    cli("run", "cancel", abandoned));
            assertEquals("cancelled", run(child).get("state").asText());
        } finally {
            kaged.close();
        }
    }
}
