package io.kaged.daemon.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kaged.daemon.serve.TestDaemon;
import io.kaged.persistence.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests of ACP runs through a real daemon share: a kaged home, a workspace outside it, the daemon
 * (closed after each test), and the body of a run of {@link TestAgent}.
 */
public abstract class AgentDaemonBase {

    @TempDir
    protected Path home;

    /** The agents' workspaces, outside the kaged home: an ACP run is sandboxed, and a sandbox refuses a cwd there. */
    @TempDir
    protected Path outside;

    /** The daemon under test; a test may replace it, say by one restarted on the same store. */
    protected TestDaemon kaged;

    /** The agents' workspace, once {@link #start} made it. */
    protected Path work;

    protected void start(TestEngine engine) throws Exception {
        kaged = new TestDaemon(engine, home, "");
        work = Files.createDirectories(outside.resolve("work"));
    }

    @AfterEach
    void stopDaemon() {
        if (kaged != null) {
            kaged.close();
        }
    }

    /** A run of {@link TestAgent} with these flags in {@link #work}; project and prompt are left out when null. */
    protected ObjectNode agentRunBody(String project, String prompt, String... flags) {
        ObjectNode body = TestDaemon.JSON.createObjectNode();
        body.set("command", TestDaemon.JSON.valueToTree(TestAgent.command(flags)));
        body.put("cwd", work.toString());
        if (project != null) {
            body.put("project", project);
        }
        ObjectNode acp = body.putObject("acp");
        if (prompt != null) {
            acp.put("prompt", prompt);
        }
        return body;
    }

    /** Starts a run of {@link TestAgent}, as {@link #agentRunBody} says; its id. */
    protected String agentRun(String project, String prompt, String... flags) throws Exception {
        return createRun(agentRunBody(project, prompt, flags));
    }

    protected String createRun(ObjectNode body) throws Exception {
        return kaged.json("POST", "/v1/runs", body.toString(), 201).get("id").asText();
    }
}
