package io.kaged.actors.run.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kaged.actors.acp.AcpJson;
import io.kaged.actors.acp.AgentRequest;
import io.kaged.actors.acp.ClientResponse;
import io.kaged.actors.acp.OptionChoice;
import io.kaged.actors.acp.PermissionOption;
import io.kaged.actors.acp.PermissionQuestion;
import io.kaged.actors.acp.Permissions;
import io.kaged.actors.acp.PolicyDecision;
import io.kaged.actors.acp.RequestId;
import io.kaged.actors.acp.RpcError;
import io.kaged.actors.acp.ToolKind;
import io.kaged.actors.run.RunActor;
import io.kaged.persistence.store.Ids;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An ACP run's permission requests as approvals (ADR-0064): who decides (the run's standing answers, then the
 * project's policy, else the operator), what is journaled, and what the agent is answered. Everything is added
 * to the batch of the actor message at hand; the answer goes to the agent after the batch is journaled.
 */
final class AgentApprovals {

    private static final ObjectMapper MAPPER = AcpJson.mapper();

    private AgentApprovals() {}

    /** A session/request_permission of the agent on {@code link}. */
    static void requested(
            AgentState agent, AgentLink link, RequestId id, AgentRequest.RequestPermission request, AgentBatch batch) {
        int attempt = link.attempt;
        ObjectNode toolCall = request.toolCall() == null
                ? MAPPER.createObjectNode()
                : ((ObjectNode) MAPPER.valueToTree(request.toolCall())).without("sessionUpdate");
        String toolCallId = toolCall.path("toolCallId").asText("");
        List<PermissionOption> offered = request.options() == null ? List.of() : request.options();
        AgentState.Unheard unheard = agent.unheard().get(toolCallId);
        if (unheard != null && offered.stream().anyMatch(o -> unheard.optionId().equals(o.optionId()))) {
            // decided while the agent that asked was gone: this is its answer
            batch.add(new RunActor.ApprovalDelivered(unheard.approvalId(), batch.now()));
            batch.after.add(
                    () -> link.connection.respond(id, ClientResponse.RequestPermission.selected(unheard.optionId())));
            return;
        }
        for (AgentState.PendingApproval p : agent.pending().values()) {
            if (p.attempt() != attempt && !toolCallId.isEmpty() && toolCallId.equals(p.toolCallId())) {
                // asked again by a later attempt: the same approval, still the operator's
                batch.add(new RunActor.ApprovalReasked(p.approvalId(), id.value(), attempt, batch.now()));
                return;
            }
        }
        PermissionQuestion question = request.toolCall() == null
                ? new PermissionQuestion(ToolKind.OTHER, List.of(), false, null)
                : PermissionQuestion.of(request.toolCall(), List.of(link.cwd));
        PolicyDecision decision = Permissions.decide(question, List.of(agent.standing(), link.policy));
        String approvalId = Ids.newId();
        List<JsonNode> options =
                offered.stream().map(o -> (JsonNode) MAPPER.valueToTree(o)).toList();
        batch.add(new RunActor.ApprovalRequested(approvalId, id.value(), attempt, toolCall, options, batch.now()));
        Optional<PermissionOption> chosen = OptionChoice.forDecision(decision.decision(), offered);
        if (chosen.isPresent()) {
            PermissionOption o = chosen.get();
            batch.add(new RunActor.ApprovalDecided(
                    approvalId, "selected", o.optionId(), kindName(o), decision.by(), false, batch.now()));
            batch.after.add(() -> link.connection.respond(id, ClientResponse.RequestPermission.selected(o.optionId())));
        }
    }

    /** Why the operator's choice cannot be taken; null when it can. */
    static String refusal(AgentState.PendingApproval p, String approvalId, String optionId) {
        if (p == null) {
            return "approval " + approvalId + " is not pending; it was decided already";
        }
        if (option(p, optionId).isEmpty()) {
            return "approval " + approvalId + " offers no option '" + optionId + "'; it offers "
                    + String.join(
                            ", ",
                            options(p.options()).stream()
                                    .map(PermissionOption::optionId)
                                    .toList());
        }
        return null;
    }

    /**
     * The decision of {@code by} ("operator api", or "run:ID" for a run's token on its descendant's
     * approval), and whether the agent that asked is still there to hear it.
     */
    static RunActor.ApprovalDecided decided(
            AgentState.PendingApproval p, String optionId, String by, boolean heard, long at) {
        PermissionOption option = option(p, optionId).orElseThrow();
        return new RunActor.ApprovalDecided(p.approvalId(), "selected", optionId, kindName(option), by, !heard, at);
    }

    /** Whether {@code p} was asked on {@code link} and still waits there for its answer. */
    static boolean heard(AgentState.PendingApproval p, AgentLink link) {
        return link != null
                && link.attempt == p.attempt()
                && link.connection.pendingPermissions().containsKey(RequestId.of(p.requestId()));
    }

    /** A cancelled turn: its pending approvals on {@code link} are decided cancelled (the connection answers them). */
    static void turnCancelled(AgentState agent, AgentLink link, AgentBatch batch) {
        Map<RequestId, String> live = link.connection.pendingPermissions();
        for (AgentState.PendingApproval p : agent.pending().values()) {
            if (p.attempt() == link.attempt && live.containsKey(RequestId.of(p.requestId()))) {
                batch.add(new RunActor.ApprovalDecided(
                        p.approvalId(), "cancelled", null, null, "cancel-turn", false, batch.now()));
            }
        }
    }

    /** The agent withdrew request {@code id} ($/cancel_request): its approval is closed, the request answered. */
    static void withdrawn(AgentState agent, AgentLink link, RequestId id, AgentBatch batch) {
        for (AgentState.PendingApproval p : agent.pending().values()) {
            if (p.attempt() == link.attempt && id.equals(RequestId.of(p.requestId()))) {
                batch.add(new RunActor.ApprovalDecided(
                        p.approvalId(), "cancelled", null, null, "agent", false, batch.now()));
            }
        }
        batch.after.add(() -> link.connection.respondError(id, RpcError.of(RpcError.REQUEST_CANCELLED, "withdrawn")));
    }

    private static Optional<PermissionOption> option(AgentState.PendingApproval p, String optionId) {
        return options(p.options()).stream()
                .filter(o -> optionId.equals(o.optionId()))
                .findFirst();
    }

    private static List<PermissionOption> options(List<JsonNode> options) {
        List<PermissionOption> out = new ArrayList<>();
        for (JsonNode o : options) {
            try {
                out.add(MAPPER.treeToValue(o, PermissionOption.class));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                // an option kaged cannot read cannot be chosen either
            }
        }
        return out;
    }

    private static String kindName(PermissionOption o) {
        return o.kind() == null ? null : MAPPER.valueToTree(o.kind()).asText();
    }
}
