package io.kaged.daemon.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kaged.daemon.serve.TestDaemon;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestEngine;
import java.nio.file.Files;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An ACP run of a project whose config denies the network, through a real daemon on both engines: sandboxed
 * by default, it gets the network off, and so do its agent's terminals; one that asks for the network is
 * refused at its first attempt with a run event and a {@code sandbox.refused} audit row.
 */
class AgentNetworkDenialApiTest extends AgentDaemonBase {

    private void offlineProject() throws Exception {
        ObjectNode body = TestDaemon.JSON.createObjectNode().put("name", "offline");
        body.putObject("config").putObject("sandbox").put("network", false);
        kaged.json("POST", "/v1/projects", body.toString(), 201);
    }

    private JsonNode children(String run) throws Exception {
        return kaged.json("GET", "/v1/runs?parentId=" + run, null, 200).get("items");
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void anAgentOfTheProjectAndItsTerminalsHaveNoNetwork(TestEngine engine) throws Exception {
        start(engine);
        offlineProject();
        Files.createDirectories(work.resolve("sub"));
        String probe = "terminal cwd=sub bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + kaged.daemon.port()
                + "' 2>/dev/null && echo TCP-OPEN || echo TCP-REFUSED";
        String run = agentRun("offline", probe);
        Eventually.waitFor(
                TestDaemon.WAIT, "the terminal's child run", () -> children(run).size() == 1);
        String child = children(run).get(0).get("id").asText();
        kaged.awaitState(child, "succeeded");
        String out = kaged.call("GET", "/v1/runs/" + child + "/output", null).body();
        assertEquals("TCP-REFUSED\n", out);
        for (String id : new String[] {run, child}) {
            assertEquals(
                    1,
                    kaged.count(
                            "SELECT COUNT(*) FROM audit WHERE kind = 'sandbox.applied' AND subject = ? AND detail"
                                    + " LIKE ?",
                            id,
                            "%network off%project offline denies it%"),
                    id);
        }
        kaged.json("POST", "/v1/runs/" + run + "/cancel", null, 200);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void anAgentOfTheProjectThatAsksForTheNetworkIsRefused(TestEngine engine) throws Exception {
        start(engine);
        offlineProject();
        ObjectNode body = agentRunBody("offline", "hello");
        body.putObject("sandbox").put("network", true);
        String run = createRun(body);
        kaged.awaitState(run, "failed");
        String events = kaged.call("GET", "/v1/runs/" + run + "/events?follow=false", null)
                .body();
        assertTrue(events.contains("SandboxRefused") && events.contains("project offline's config denies"), events);
        assertEquals(1, kaged.count("SELECT COUNT(*) FROM audit WHERE kind = 'sandbox.refused' AND subject = ?", run));
        assertEquals(0, children(run).size());
    }
}
