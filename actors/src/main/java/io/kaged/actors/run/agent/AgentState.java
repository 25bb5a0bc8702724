package io.kaged.actors.run.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.actors.acp.AcpJson;
import io.kaged.actors.acp.PermissionOption;
import io.kaged.actors.acp.PermissionQuestion;
import io.kaged.actors.acp.SessionUpdate;
import io.kaged.actors.acp.StandingPermissions;
import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunSpec;
import io.kaged.persistence.serialization.KagedSerializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an ACP run keeps of its agent across restarts: the ACP session id, the prompts waiting, which attempt
 * has a turn running, the approvals still pending, the run's standing ("always") answers, and decisions made
 * while the agent that asked was gone. Immutable; {@link #apply} is the fold of the run's agent events, so it
 * is in every snapshot of the run and rebuilt by replay.
 *
 * @param turnAttempt the attempt whose turn is running, 0 when none is
 * @param unheard by tool call id: decisions the asking agent never received, for the next request of that call
 */
public record AgentState(
        @JsonInclude(JsonInclude.Include.NON_NULL) String sessionId,
        List<String> queued,
        int turnAttempt,
        int prompts,
        Map<String, PendingApproval> pending,
        StandingPermissions standing,
        Map<String, Unheard> unheard)
        implements KagedSerializable {

    public AgentState {
        queued = queued == null ? List.of() : List.copyOf(queued);
        pending = pending == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pending));
        standing = standing == null ? StandingPermissions.NONE : standing;
        unheard = unheard == null ? Map.of() : Map.copyOf(unheard);
    }

    /** A permission request waiting for the operator. */
    public record PendingApproval(
            String approvalId,
            JsonNode requestId,
            int attempt,
            String toolCallId,
            JsonNode toolCall,
            List<JsonNode> options)
            implements KagedSerializable {}

    public record Unheard(String approvalId, String optionId) implements KagedSerializable {}

    /** An ACP run's state at dispatch: its first prompt, if any, waits for the agent's session; null for a plain run. */
    public static AgentState initial(RunSpec spec) {
        if (!spec.speaksAcp()) {
            return null;
        }
        List<String> queued =
                spec.acp().prompt() == null ? List.of() : List.of(spec.acp().prompt());
        return new AgentState(null, queued, 0, 0, Map.of(), StandingPermissions.NONE, Map.of());
    }

    /** After a rollback: the next attempt starts a new ACP session, and no turn runs. */
    public AgentState withoutSession() {
        return new AgentState(null, queued, 0, prompts, pending, standing, unheard);
    }

    public boolean turnRunning(int attempt) {
        return turnAttempt != 0 && turnAttempt == attempt;
    }

    public AgentState apply(RunActor.AgentEvent e, RunSpec spec) {
        if (e instanceof RunActor.AgentConnected c) {
            return new AgentState(c.sessionId(), queued, 0, prompts, pending, standing, unheard);
        }
        if (e instanceof RunActor.PromptQueued q) {
            List<String> next = new ArrayList<>(queued);
            next.add(q.text());
            return new AgentState(sessionId, next, turnAttempt, prompts, pending, standing, unheard);
        }
        if (e instanceof RunActor.PromptSent p) {
            List<String> next = p.fromQueue() && !queued.isEmpty() ? queued.subList(1, queued.size()) : queued;
            return new AgentState(sessionId, next, p.attempt(), prompts + 1, pending, standing, unheard);
        }
        if (e instanceof RunActor.TurnEnded) {
            return new AgentState(sessionId, queued, 0, prompts, pending, standing, unheard);
        }
        if (e instanceof RunActor.ApprovalRequested r) {
            Map<String, PendingApproval> next = new LinkedHashMap<>(pending);
            next.put(
                    r.approvalId(),
                    new PendingApproval(
                            r.approvalId(),
                            r.requestId(),
                            r.attempt(),
                            r.toolCall().path("toolCallId").asText(""),
                            r.toolCall(),
                            r.options()));
            return new AgentState(sessionId, queued, turnAttempt, prompts, next, standing, unheard);
        }
        if (e instanceof RunActor.ApprovalReasked r && pending.containsKey(r.approvalId())) {
            Map<String, PendingApproval> next = new LinkedHashMap<>(pending);
            PendingApproval old = pending.get(r.approvalId());
            next.put(
                    r.approvalId(),
                    new PendingApproval(
                            old.approvalId(),
                            r.requestId(),
                            r.attempt(),
                            old.toolCallId(),
                            old.toolCall(),
                            old.options()));
            return new AgentState(sessionId, queued, turnAttempt, prompts, next, standing, unheard);
        }
        if (e instanceof RunActor.ApprovalDecided d) {
            return decided(d, spec);
        }
        if (e instanceof RunActor.ApprovalDelivered d) {
            Map<String, Unheard> next = new LinkedHashMap<>(unheard);
            next.values().removeIf(u -> u.approvalId().equals(d.approvalId()));
            return new AgentState(sessionId, queued, turnAttempt, prompts, pending, standing, next);
        }
        return this;
    }

    private AgentState decided(RunActor.ApprovalDecided d, RunSpec spec) {
        PendingApproval approval = pending.get(d.approvalId());
        if (approval == null) {
            return this;
        }
        Map<String, PendingApproval> next = new LinkedHashMap<>(pending);
        next.remove(d.approvalId());
        StandingPermissions nextStanding = standing;
        Map<String, Unheard> nextUnheard = unheard;
        if ("selected".equals(d.outcome()) && d.optionKind() != null) {
            // Only an "always" answer is remembered, so the tool call's question (a copy of its JSON, decoded
            // again) is read for it alone.
            PermissionOption.Kind kind = kindOf(d.optionKind());
            if (kind != null && kind.always()) {
                PermissionQuestion question = question(approval.toolCall(), spec);
                if (question != null) {
                    nextStanding = standing.after(question, kind);
                }
            }
            if (d.unheard()) {
                Map<String, Unheard> u = new LinkedHashMap<>(unheard);
                u.put(approval.toolCallId(), new Unheard(d.approvalId(), d.optionId()));
                nextUnheard = u;
            }
        }
        return new AgentState(sessionId, queued, turnAttempt, prompts, next, nextStanding, nextUnheard);
    }

    /** The option kind of a journaled wire name; null for one ACP does not define, which stands for nothing. */
    private static PermissionOption.Kind kindOf(String wireName) {
        try {
            return AcpJson.mapper().convertValue(wireName, PermissionOption.Kind.class);
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }

    /** What the policy asks of a tool call as journaled; null when it cannot be read. */
    static PermissionQuestion question(JsonNode toolCall, RunSpec spec) {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode tagged = ((com.fasterxml.jackson.databind.node.ObjectNode)
                            toolCall.deepCopy())
                    .put("sessionUpdate", "tool_call_update");
            SessionUpdate update = AcpJson.mapper().treeToValue(tagged, SessionUpdate.class);
            if (update instanceof SessionUpdate.ToolCallUpdate call) {
                return PermissionQuestion.of(call, List.of(AgentLink.cwd(spec)));
            }
            return null;
        } catch (JsonProcessingException | ClassCastException | IllegalArgumentException e) {
            return null;
        }
    }
}
