package io.kaged.actors.run.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * An approval as the API shows it, from the {@code approvals} table: the agent's tool call and options as
 * it sent them; once decided, the {@code decision} (the option id chosen, or "cancelled"), its kind, who
 * decided ("operator NAME", "policy RULE", "cancel-turn") and when.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApprovalView(
        String id,
        String runId,
        String project,
        JsonNode toolCall,
        JsonNode options,
        String state,
        String decision,
        String decisionKind,
        String decidedBy,
        String requestedAt,
        String decidedAt) {}
