package io.kaged.daemon.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kaged.daemon.serve.TestDaemon;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An ACP run's workspace beyond its cwd: the folders its sandbox makes writable ({@code sandbox.writable}) are
 * served by fs/* and accepted as a terminal's cwd; any other folder is refused and audited. Through the public
 * API with the test agent, on both engines.
 */
class AgentExtraDirectoriesApiTest extends AgentDaemonBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private List<String> said(String run) throws Exception {
        Eventually.waitFor(TestDaemon.WAIT, "run " + run + " ends its turn", () -> {
            for (JsonNode i : items(run)) {
                if (i.get("type").asText().equals("turn_end")) {
                    return true;
                }
            }
            return false;
        });
        List<String> said = new ArrayList<>();
        for (JsonNode i : items(run)) {
            if (i.get("type").asText().equals("agent_message")) {
                said.add(i.get("text").asText());
            }
        }
        return said;
    }

    private JsonNode items(String run) throws Exception {
        return kaged.json("GET", "/v1/runs/" + run + "/conversation?limit=1000", null, 200)
                .get("items");
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void theSandboxsWritableFoldersAreTheWorkspacesExtraDirectories(TestEngine engine) throws Exception {
        start(engine);
        Path extra = Files.createDirectories(outside.resolve("extra"));
        Path other = Files.createDirectories(outside.resolve("other"));
        Files.createSymbolicLink(extra.resolve("link"), other);

        ObjectNode body = JSON.createObjectNode();
        body.set("command", JSON.valueToTree(TestAgent.command()));
        body.put("cwd", work.toString());
        body.putObject("sandbox").putArray("writable").add(extra.toString());
        body.putObject("acp")
                .put(
                        "prompt",
                        String.join(
                                "; ",
                                "write ../extra/deep/in-extra.txt granted",
                                "write ../other/in-other.txt denied",
                                "write ../extra/link/through-link.txt denied",
                                "terminal cwd=../extra echo from-terminal > by-terminal.txt && basename $(pwd)",
                                "terminal cwd=../other echo escaped"));
        String run =
                kaged.json("POST", "/v1/runs", body.toString(), 201).get("id").asText();

        String said = String.join("", said(run));
        assertTrue(said.startsWith("wrote ../extra/deep/in-extra.txt"), said);
        assertTrue(said.contains("refused ../other/in-other.txt"), said);
        assertTrue(said.contains("refused ../extra/link/through-link.txt"), said);
        assertTrue(said.contains("exit=0") && said.contains("output=[extra\n]"), said);
        assertTrue(
                said.endsWith("terminal refused: cwd " + work.resolve("../other") + ": outside the workspace "
                        + List.of(work, extra)),
                said);

        assertEquals("granted", Files.readString(extra.resolve("deep/in-extra.txt")));
        assertEquals("from-terminal\n", Files.readString(extra.resolve("by-terminal.txt")));
        assertTrue(Files.notExists(other.resolve("in-other.txt")));
        assertTrue(Files.notExists(other.resolve("through-link.txt")));

        // one terminal in the tree, the one in the extra folder
        JsonNode children =
                kaged.json("GET", "/v1/runs?parentId=" + run, null, 200).get("items");
        assertEquals(1, children.size(), children.toString());
        assertEquals(extra.toRealPath().toString(), children.get(0).get("cwd").asText());

        // each refusal is a sandbox event and an audit row; the write inside is an event
        assertEquals(
                2,
                kaged.count(
                        "SELECT COUNT(*) FROM audit WHERE kind = 'sandbox.refused' AND subject = ? AND detail LIKE ?",
                        run,
                        "fs/write_text_file%"));
        assertEquals(
                1,
                kaged.count(
                        "SELECT COUNT(*) FROM audit WHERE kind = 'sandbox.refused' AND subject = ? AND detail LIKE ?",
                        run,
                        "terminal/create%"));
        String events = kaged.call("GET", "/v1/runs/" + run + "/events?follow=false", null)
                .body();
        assertTrue(events.contains("event:FileWritten") && events.contains("in-extra.txt"), events);
        assertTrue(events.contains("symlink_escape") && events.contains("outside_workspace"), events);
        kaged.json("POST", "/v1/runs/" + run + "/cancel", null, 200);
    }
}
