package io.kaged.actors.run.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.actors.acp.AcpJson;
import io.kaged.actors.acp.Conversation;
import io.kaged.actors.acp.ConversationEvent;
import io.kaged.actors.acp.ConversationItem;
import io.kaged.actors.acp.SessionUpdate;
import io.kaged.actors.acp.StopReason;
import io.kaged.actors.acp.TextChunks;
import io.kaged.actors.run.RunActor;
import io.kaged.persistence.journal.JournalEvents;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's conversation, folded from its journal events as they are read (ADR-0064): prompts sent, the agent's
 * updates, and the end of each turn, whether by its stop reason, an error, or the agent's process ending under
 * it. A rollback to a checkpoint sets aside what was said after the checkpoint, as it sets aside the output.
 * Never stored: reading the run's events again gives the same items.
 */
public final class RunConversation {

    /** What one event did: the items it added or changed, and where items were set aside from (-1: none). */
    public record Change(List<ConversationItem> changed, int setAsideFrom) {}

    private record Fact(long sequenceNr, ConversationEvent event) {}

    /**
     * What the run knows of its agent, from its latest session or failed setup: the agent's info and auth
     * methods as it sent them, the ACP session and how it was opened (new, load, resume), what a later attempt
     * could not get back, and why the setup failed, if it did.
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Agent(
            JsonNode info, JsonNode authMethods, String sessionId, String session, String note, String setupError) {}

    private static final String ENDED_MID_TURN = "the agent's process ended during the turn";
    private static final String ROLLED_BACK = "the run was rolled back to a checkpoint during the turn";

    private final List<Fact> facts = new ArrayList<>();
    private Conversation conversation = Conversation.empty();
    private boolean turnOpen;
    private Agent agent;

    /** The whole conversation of a run's events, folded at once. */
    public static RunConversation read(List<JournalEvents.StoredEvent> events) {
        RunConversation fold = new RunConversation();
        fold.collectAll(events);
        return fold.finish();
    }

    /**
     * Folds in the next events of a whole read, without building the conversation yet: a reader that goes page
     * by page keeps none of the pages, so a long run's journal never sits in memory whole. {@link #finish} ends it.
     */
    public void collectAll(List<JournalEvents.StoredEvent> events) {
        for (JournalEvents.StoredEvent e : events) {
            collect(e.sequenceNr(), e.event());
        }
    }

    /** Builds the conversation of everything collected so far; this fold, for chaining. */
    public RunConversation finish() {
        conversation = Conversation.of(facts.stream().map(Fact::event).toList());
        return this;
    }

    /** The run's agent as last heard of; null before its first session or failed setup. */
    public Agent agent() {
        return agent;
    }

    /** Folds one journal event in. */
    public Change apply(long sequenceNr, Object event) {
        int before = facts.size();
        boolean reset = collect(sequenceNr, event);
        if (reset) {
            int from = conversation.items().size();
            conversation = Conversation.of(facts.stream().map(Fact::event).toList());
            return new Change(List.of(), Math.min(from, conversation.items().size()));
        }
        if (facts.size() == before) {
            return new Change(List.of(), -1);
        }
        List<ConversationItem> old = conversation.items();
        conversation = conversation.apply(
                facts.subList(before, facts.size()).stream().map(Fact::event).toList());
        List<ConversationItem> now = conversation.items();
        List<ConversationItem> changed = new ArrayList<>();
        for (int i = 0; i < now.size(); i++) {
            if (i >= old.size() || (old.get(i) != now.get(i) && !old.get(i).equals(now.get(i)))) {
                changed.add(now.get(i));
            }
        }
        return new Change(changed, -1);
    }

    public Conversation conversation() {
        return conversation;
    }

    /** Adds the facts of {@code event}; true when a rollback took facts away. */
    private boolean collect(long sequenceNr, Object event) {
        if (event instanceof RunActor.AgentConnected c) {
            agent = new Agent(c.agent(), c.authMethods(), c.sessionId(), c.how(), c.note(), null);
        } else if (event instanceof RunActor.AgentSetupFailed f) {
            String error = f.reason().startsWith(f.step()) ? f.reason() : f.step() + ": " + f.reason();
            agent = new Agent(f.agent(), f.authMethods(), null, null, null, error);
        }
        if (event instanceof RunActor.RolledBack r) {
            facts.removeIf(f -> f.sequenceNr() > r.checkpointSequenceNr());
            turnOpen = openTurn();
            if (turnOpen) {
                facts.add(new Fact(sequenceNr, new ConversationEvent.TurnFailed(ROLLED_BACK)));
                turnOpen = false;
            }
            return true;
        }
        if (event instanceof RunActor.PromptSent p) {
            turnOpen = true;
            facts.add(new Fact(sequenceNr, new ConversationEvent.PromptSent(p.text())));
        } else if (event instanceof RunActor.AgentUpdates u) {
            for (JsonNode update : u.updates()) {
                facts.add(new Fact(sequenceNr, new ConversationEvent.UpdateReceived(update(update))));
            }
        } else if (event instanceof RunActor.TurnEnded t) {
            turnOpen = false;
            StopReason reason = stopReason(t.stopReason());
            facts.add(new Fact(
                    sequenceNr,
                    reason != null
                            ? new ConversationEvent.TurnEnded(reason)
                            : new ConversationEvent.TurnFailed(t.error() != null ? t.error() : t.stopReason())));
        } else if (turnOpen
                && (event instanceof RunActor.AttemptEnded
                        || event instanceof RunActor.Interrupted
                        || event instanceof RunActor.Cancelled)) {
            turnOpen = false;
            facts.add(new Fact(sequenceNr, new ConversationEvent.TurnFailed(ENDED_MID_TURN)));
        }
        return false;
    }

    private boolean openTurn() {
        for (int i = facts.size() - 1; i >= 0; i--) {
            ConversationEvent e = facts.get(i).event();
            if (e instanceof ConversationEvent.TurnEnded || e instanceof ConversationEvent.TurnFailed) {
                return false;
            }
            if (e instanceof ConversationEvent.PromptSent) {
                return true;
            }
        }
        return false;
    }

    private static SessionUpdate update(JsonNode json) {
        TextChunks.Read chunk = TextChunks.read(json);
        if (chunk != null) {
            return chunk.chunk();
        }
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
