package io.kaged.daemon.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.daemon.serve.TestDaemon;
import io.kaged.http.routes.RunTokens;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestEngine;
import java.net.http.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A run's {@code KAGED_TOKEN} steers its descendant runs through the public API of a real daemon, on both
 * engines: it answers its child agent's approval, prompts and cancels it, pauses a grandchild, and is
 * refused (403) on its own run's approvals and commands, on a sibling's or a stranger's run, and on
 * sessions. The tokens are issued by the daemon's own {@link RunTokens}, as a run's environment gets them.
 */
class SubagentSteeringApiTest extends AgentDaemonBase {

    private HttpResponse<String> as(String token, String method, String path, String body) throws Exception {
        return kaged.as(token, method, path, body);
    }

    private void expect(int status, HttpResponse<String> r) {
        assertEquals(
                status, r.statusCode(), r.request().method() + " " + r.request().uri() + ": " + r.body());
    }

    private JsonNode pending(String token, String query) throws Exception {
        HttpResponse<String> r = as(token, "GET", "/v1/approvals?state=pending" + query, null);
        expect(200, r);
        return TestDaemon.JSON.readTree(r.body()).get("items");
    }

    private String awaitApproval(String run) throws Exception {
        String daemon = kaged.token();
        Eventually.waitFor(
                TestDaemon.WAIT,
                "a pending approval of " + run,
                () -> pending(daemon, "&runId=" + run).size() == 1);
        return pending(daemon, "&runId=" + run).get(0).get("id").asText();
    }

    /** Waits for {@code n} audit rows of this kind, subject and actor: the API writes its rows a moment later. */
    private void awaitAudit(long n, String kind, String subject, String actor) throws Exception {
        String sql = "SELECT COUNT(*) FROM audit WHERE kind = ? AND subject = ? AND actor = ?";
        Eventually.waitFor(
                TestDaemon.WAIT,
                n + " audit rows " + kind + " " + subject + " by " + actor,
                () -> kaged.count(sql, kind, subject, actor) == n);
        assertEquals(n, kaged.count(sql, kind, subject, actor), kind);
    }

    private String agentMessages(String token, String run) throws Exception {
        HttpResponse<String> r = as(token, "GET", "/v1/runs/" + run + "/conversation?limit=1000", null);
        expect(200, r);
        StringBuilder said = new StringBuilder();
        TestDaemon.JSON.readTree(r.body()).get("items").forEach(i -> {
            if (i.get("type").asText().equals("agent_message")) {
                said.append(i.get("text").asText()).append('\n');
            }
        });
        return said.toString();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aParentsTokenAnswersPromptsAndCancelsItsChildAgentAndNothingOutsideItsSubtree(TestEngine engine)
            throws Exception {
        start(engine);
        RunTokens tokens = new RunTokens(kaged.token());
        String parent = kaged.dispatch(null, "sleep", "300");
        String child =
                createRun(agentRunBody(null, "ask delete b.txt; say done").put("parentId", parent));
        String grandchild = kaged.dispatch(child, "sleep", "300");
        String sibling = kaged.dispatch(parent, "sleep", "300");
        String stranger = agentRun(null, "ask delete c.txt");
        String parentToken = tokens.issue(parent);
        String childToken = tokens.issue(child);

        String childApproval = awaitApproval(child);
        String strangerApproval = awaitApproval(stranger);

        // the parent sees the approvals of its subtree only
        JsonNode seen = pending(parentToken, "");
        assertEquals(1, seen.size(), seen.toString());
        assertEquals(childApproval, seen.get(0).get("id").asText());
        assertEquals(1, pending(parentToken, "&runId=" + child).size());
        expect(403, as(parentToken, "GET", "/v1/approvals?runId=" + stranger, null));
        expect(403, as(parentToken, "GET", "/v1/approvals/" + strangerApproval, null));
        expect(200, as(parentToken, "GET", "/v1/approvals/" + childApproval, null));

        // an agent may not answer its own permission request, nor a stranger's
        HttpResponse<String> own =
                as(childToken, "POST", "/v1/approvals/" + childApproval, "{\"optionId\":\"allow_once\"}");
        expect(403, own);
        assertTrue(own.body().contains("its own run"), own.body());
        assertTrue(
                own.headers().firstValue("Content-Type").orElse("").contains("problem+json"),
                own.headers().toString());
        expect(403, as(childToken, "GET", "/v1/approvals?runId=" + child, null));
        expect(403, as(parentToken, "POST", "/v1/approvals/" + strangerApproval, "{\"optionId\":\"allow_once\"}"));
        awaitAudit(1, "approval.decide", childApproval, "run:" + child);
        assertEquals(
                1,
                kaged.count(
                        "SELECT COUNT(*) FROM audit WHERE kind = 'approval.decide' AND actor = ? AND outcome ="
                                + " 'refused'",
                        "run:" + child));
        assertEquals(2, pending(kaged.token(), "").size(), "the refused answers decided nothing");

        // the parent answers its child's approval, and the approval and the audit say it was that run
        HttpResponse<String> answered =
                as(parentToken, "POST", "/v1/approvals/" + childApproval, "{\"optionId\":\"allow_once\"}");
        expect(200, answered);
        JsonNode decided = TestDaemon.JSON.readTree(answered.body());
        assertEquals("allow_once", decided.get("decision").asText());
        assertEquals("run:" + parent, decided.get("decidedBy").asText());
        awaitAudit(1, "approval.decided", childApproval, "run:" + parent);
        Eventually.waitFor(TestDaemon.WAIT, "the child's first turn", () -> agentMessages(parentToken, child)
                .contains("done"));

        // ... prompts it, and reads what it answered
        HttpResponse<String> prompted =
                as(parentToken, "POST", "/v1/runs/" + child + "/prompt", "{\"text\":\"say again\"}");
        expect(202, prompted);
        Eventually.waitFor(TestDaemon.WAIT, "the child's second turn", () -> agentMessages(parentToken, child)
                .contains("again"));
        expect(403, as(childToken, "POST", "/v1/runs/" + child + "/prompt", "{\"text\":\"say me\"}"));

        // deeper descendants too: the grandchild is listed, paused and resumed by the parent's token
        HttpResponse<String> listed = as(parentToken, "GET", "/v1/runs?parentId=" + child, null);
        expect(200, listed);
        assertTrue(listed.body().contains(grandchild), listed.body());
        expect(200, as(parentToken, "POST", "/v1/runs/" + grandchild + "/pause", null));
        assertEquals("paused", kaged.state(grandchild));
        expect(200, as(parentToken, "POST", "/v1/runs/" + grandchild + "/resume", null));
        HttpResponse<String> checkpoint =
                as(parentToken, "POST", "/v1/runs/" + grandchild + "/checkpoints", "{\"label\":\"by the parent\"}");
        expect(201, checkpoint);
        String cp = TestDaemon.JSON.readTree(checkpoint.body()).get("id").asText();
        HttpResponse<String> listedCheckpoints =
                as(parentToken, "GET", "/v1/runs/" + grandchild + "/checkpoints", null);
        expect(200, listedCheckpoints);
        assertTrue(listedCheckpoints.body().contains("by the parent"), listedCheckpoints.body());
        expect(
                200,
                as(parentToken, "POST", "/v1/runs/" + grandchild + "/rollback", "{\"checkpointId\":\"" + cp + "\"}"));
        for (String kind : new String[] {"run.pause", "run.resume", "run.checkpoint", "run.rollback"}) {
            awaitAudit(1, kind, grandchild, "run:" + parent);
        }

        // ... and stops its child's turn, which the child itself may not
        expect(202, as(parentToken, "POST", "/v1/runs/" + child + "/prompt", "{\"text\":\"sleep 5000; say late\"}"));
        expect(403, as(childToken, "POST", "/v1/runs/" + child + "/cancel-turn", null));
        HttpResponse<String> stopped = as(parentToken, "POST", "/v1/runs/" + child + "/cancel-turn", null);
        expect(202, stopped);
        awaitAudit(1, "run.cancel-turn", child, "run:" + parent);

        // nothing outside the subtree, nothing on its own run, no sessions
        expect(403, as(childToken, "POST", "/v1/runs/" + sibling + "/cancel", null));
        expect(403, as(childToken, "POST", "/v1/runs/" + parent + "/cancel", null));
        expect(403, as(childToken, "GET", "/v1/runs/" + sibling, null));
        expect(403, as(parentToken, "POST", "/v1/runs/" + stranger + "/cancel", null));
        expect(403, as(parentToken, "POST", "/v1/runs/" + stranger + "/prompt", "{\"text\":\"say hi\"}"));
        HttpResponse<String> self = as(parentToken, "POST", "/v1/runs/" + parent + "/pause", null);
        expect(403, self);
        assertTrue(self.body().contains("its own run"), self.body());
        expect(403, as(parentToken, "DELETE", "/v1/runs/" + child, null));
        expect(403, as(parentToken, "GET", "/v1/sessions", null));
        expect(403, as(parentToken, "POST", "/v1/sessions", "{\"command\":[\"true\"]}"));
        expect(403, as(parentToken, "GET", "/v1/projects", null));
        for (String run : new String[] {parent, sibling, stranger}) {
            assertEquals("running", kaged.state(run), run);
        }
        // each refused command is audited, naming the run that tried
        awaitAudit(1, "run.steer", sibling, "run:" + child);
        awaitAudit(1, "run.steer", parent, "run:" + child);
        awaitAudit(2, "run.steer", stranger, "run:" + parent);
        awaitAudit(1, "run.steer", parent, "run:" + parent);

        // ... and cancels the child, which the audit names it for
        HttpResponse<String> cancelled = as(parentToken, "POST", "/v1/runs/" + child + "/cancel", null);
        expect(200, cancelled);
        kaged.awaitState(child, "cancelled");
        kaged.awaitState(grandchild, "cancelled");
        awaitAudit(1, "run.cancel", child, "run:" + parent);
        awaitAudit(2, "run.prompt", child, "run:" + parent);
        assertEquals("running", kaged.state(sibling));
        kaged.json("POST", "/v1/runs/" + parent + "/cancel", null, 200);
        kaged.json("POST", "/v1/runs/" + stranger + "/cancel", null, 200);
    }
}
