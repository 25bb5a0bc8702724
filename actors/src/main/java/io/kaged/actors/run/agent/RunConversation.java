package io.kaged.actors.run.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.actors.acp.AcpJson;
import io.kaged.actors.acp.Conversation;
import io.kaged.actors.acp.ConversationEvent;
import io.kaged.actors.acp.ConversationItem;
import io.kaged.actors.acp.SessionUpdate;
import io.kaged.actors.acp.StopReason;
import io.kaged.actors.run.RunActor;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's conversation, folded from its journal events as they are read (ADR XXXX): prompts sent, the
 * agent's updates, and the end of each turn, whether by its stop reason, an error, or the agent's process
 * ending under it. Never stored: reading the run's events again gives the same items.
 */
public final class RunConversation {

    private static final String ENDED_MID_TURN = "the agent's process ended during the turn";

    private Conversation conversation = Conversation.empty();
    private boolean turnOpen;

    /** The whole conversation of {@code events}, folded at once. */
    public static Conversation of(List<?> events) {
        RunConversation fold = new RunConversation();
        List<ConversationEvent> facts = new ArrayList<>();
        for (Object event : events) {
            facts.addAll(fold.facts(event));
        }
        return Conversation.of(facts);
    }

    /** Folds one journal event in; the items it added or changed, in index order. */
    public List<ConversationItem> apply(Object event) {
        List<ConversationEvent> facts = facts(event);
        if (facts.isEmpty()) {
            return List.of();
        }
        List<ConversationItem> before = conversation.items();
        for (ConversationEvent fact : facts) {
            conversation = conversation.apply(fact);
        }
        List<ConversationItem> after = conversation.items();
        List<ConversationItem> changed = new ArrayList<>();
        for (int i = 0; i < after.size(); i++) {
            if (i >= before.size() || !before.get(i).equals(after.get(i))) {
                changed.add(after.get(i));
            }
        }
        return changed;
    }

    public Conversation conversation() {
        return conversation;
    }

    private List<ConversationEvent> facts(Object event) {
        if (event instanceof RunActor.PromptSent p) {
            turnOpen = true;
            return List.of(new ConversationEvent.PromptSent(p.text()));
        }
        if (event instanceof RunActor.AgentUpdates u) {
            List<ConversationEvent> facts = new ArrayList<>(u.updates().size());
            for (JsonNode update : u.updates()) {
                facts.add(new ConversationEvent.UpdateReceived(update(update)));
            }
            return facts;
        }
        if (event instanceof RunActor.TurnEnded t) {
            turnOpen = false;
            StopReason reason = stopReason(t.stopReason());
            return List.of(
                    reason != null
                            ? new ConversationEvent.TurnEnded(reason)
                            : new ConversationEvent.TurnFailed(t.error() != null ? t.error() : t.stopReason()));
        }
        boolean processEnded = event instanceof RunActor.AttemptEnded
                || event instanceof RunActor.Interrupted
                || event instanceof RunActor.Cancelled
                || event instanceof RunActor.RolledBack;
        if (processEnded && turnOpen) {
            turnOpen = false;
            return List.of(new ConversationEvent.TurnFailed(ENDED_MID_TURN));
        }
        return List.of();
    }

    private static SessionUpdate update(JsonNode json) {
        try {
            return AcpJson.mapper().treeToValue(json, SessionUpdate.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return new SessionUpdate.Unknown(json);
        }
    }

    private static StopReason stopReason(String wire) {
        if (wire == null) {
            return null;
        }
        try {
            return AcpJson.mapper().convertValue(wire, StopReason.class);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
