package io.kaged.actors.acp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's conversation: an immutable fold of its {@link ConversationEvent}s into {@link ConversationItem}s.
 * It is a pure function of the event list, so it can be rebuilt from the journal at any time and is never
 * stored itself.
 *
 * <p>The rules: a prompt is a user message; consecutive chunks of one kind (user, agent, thought) merge into
 * one item unless they carry different message ids; a {@code tool_call} opens an item and each {@code
 * tool_call_update} changes the fields it carries (an update for an unknown id opens one); a plan replaces the
 * plan of the same turn, or opens one in a new turn; a stop reason or a failed turn closes the turn. Mode,
 * usage and title are kept as the latest value, not as items; available commands and config options are not
 * part of the conversation.
 */
public final class Conversation {

    private static final Conversation EMPTY = new Conversation(List.of(), Map.of(), -1, null, null, null);

    private final List<ConversationItem> items;
    private final Map<String, Integer> toolCalls;
    /** The index of the current turn's plan, -1 when the turn has none yet. */
    private final int planIndex;

    private final String currentModeId;
    private final SessionUpdate.UsageUpdate usage;
    private final String title;

    private Conversation(
            List<ConversationItem> items,
            Map<String, Integer> toolCalls,
            int planIndex,
            String currentModeId,
            SessionUpdate.UsageUpdate usage,
            String title) {
        this.items = items;
        this.toolCalls = toolCalls;
        this.planIndex = planIndex;
        this.currentModeId = currentModeId;
        this.usage = usage;
        this.title = title;
    }

    public static Conversation empty() {
        return EMPTY;
    }

    public static Conversation of(List<? extends ConversationEvent> events) {
        Builder builder = new Builder(EMPTY);
        events.forEach(builder::apply);
        return builder.build();
    }

    public Conversation apply(ConversationEvent event) {
        return apply(List.of(event));
    }

    /** Folds several events in one step: a batch of chunks copies the items and the open text once. */
    public Conversation apply(List<? extends ConversationEvent> events) {
        Builder builder = new Builder(this);
        events.forEach(builder::apply);
        return builder.build();
    }

    public List<ConversationItem> items() {
        return items;
    }

    /** Items from {@code offset}, at most {@code limit} of them. */
    public List<ConversationItem> page(int offset, int limit) {
        int from = Math.min(Math.max(offset, 0), items.size());
        return items.subList(from, Math.min(items.size(), from + Math.max(limit, 0)));
    }

    public String currentModeId() {
        return currentModeId;
    }

    public SessionUpdate.UsageUpdate usage() {
        return usage;
    }

    public String title() {
        return title;
    }

    /** The mutable working copy of one fold step (or of a whole replay); never escapes. */
    private static final class Builder {
        private final List<ConversationItem> items;
        private final Map<String, Integer> toolCalls;
        private int planIndex;
        private String currentModeId;
        private SessionUpdate.UsageUpdate usage;
        private String title;
        /**
         * The text of the last item while chunks are appended to it, so a long reply replayed from thousands
         * of chunks is built once, not copied per chunk. Null until the first chunk appended in this builder.
         * While it is set, the last item's own text is stale: {@link #closeText} writes it back, once, before
         * anything else is added and when the fold is built.
         */
        private StringBuilder openText;

        Builder(Conversation from) {
            items = new ArrayList<>(from.items);
            toolCalls = new HashMap<>(from.toolCalls);
            planIndex = from.planIndex;
            currentModeId = from.currentModeId;
            usage = from.usage;
            title = from.title;
        }

        void apply(ConversationEvent event) {
            if (event instanceof ConversationEvent.PromptSent prompt) {
                startTurn();
                add(new ConversationItem.UserMessage(items.size(), prompt.text()));
            } else if (event instanceof ConversationEvent.UpdateReceived received) {
                update(received.update());
            } else if (event instanceof ConversationEvent.TurnEnded ended) {
                add(new ConversationItem.TurnEnd(items.size(), ended.stopReason(), null));
            } else if (event instanceof ConversationEvent.TurnFailed failed) {
                add(new ConversationItem.TurnEnd(items.size(), null, failed.message()));
            }
        }

        private void update(SessionUpdate update) {
            if (update instanceof SessionUpdate.Chunk chunk) {
                chunk(chunk);
            } else if (update instanceof SessionUpdate.ToolCall call && call.toolCallId() != null) {
                Integer at = toolCalls.get(call.toolCallId());
                int index = at == null ? items.size() : at;
                ConversationItem.ToolCall item = new ConversationItem.ToolCall(
                        index,
                        call.toolCallId(),
                        call.title(),
                        call.kind() == null ? ToolKind.OTHER : call.kind(),
                        call.status() == null ? ToolCallStatus.PENDING : call.status(),
                        orEmpty(call.content()),
                        orEmpty(call.locations()),
                        call.rawInput(),
                        call.rawOutput());
                put(index, item);
            } else if (update instanceof SessionUpdate.ToolCallUpdate change && change.toolCallId() != null) {
                toolCallUpdate(change);
            } else if (update instanceof SessionUpdate.Plan plan) {
                if (planIndex >= 0) {
                    put(planIndex, new ConversationItem.Plan(planIndex, orEmpty(plan.entries())));
                } else {
                    planIndex = items.size();
                    add(new ConversationItem.Plan(planIndex, orEmpty(plan.entries())));
                }
            } else if (update instanceof SessionUpdate.CurrentModeUpdate mode) {
                currentModeId = mode.currentModeId();
            } else if (update instanceof SessionUpdate.UsageUpdate used) {
                usage = used;
            } else if (update instanceof SessionUpdate.SessionInfoUpdate info && info.title() != null) {
                title = info.title();
            }
        }

        private void chunk(SessionUpdate.Chunk chunk) {
            String text = chunk.content() == null ? "" : chunk.content().displayText();
            ConversationItem last = items.isEmpty() ? null : items.get(items.size() - 1);
            if (continues(last, chunk)) {
                if (openText == null) {
                    openText = new StringBuilder(java.util.Objects.toString(textOf(last), ""));
                }
                openText.append(text);
                return;
            }
            if (chunk instanceof SessionUpdate.UserMessageChunk) {
                startTurn();
            }
            int index = items.size();
            if (chunk instanceof SessionUpdate.UserMessageChunk) {
                add(new ConversationItem.UserMessage(index, text));
            } else if (chunk instanceof SessionUpdate.AgentMessageChunk) {
                add(new ConversationItem.AgentMessage(index, text, chunk.messageId()));
            } else {
                add(new ConversationItem.Thought(index, text, chunk.messageId()));
            }
        }

        private static boolean continues(ConversationItem last, SessionUpdate.Chunk chunk) {
            if (chunk instanceof SessionUpdate.UserMessageChunk) {
                return last instanceof ConversationItem.UserMessage;
            }
            String id = chunk.messageId();
            if (chunk instanceof SessionUpdate.AgentMessageChunk && last instanceof ConversationItem.AgentMessage m) {
                return id == null || m.messageId() == null || id.equals(m.messageId());
            }
            if (chunk instanceof SessionUpdate.AgentThoughtChunk && last instanceof ConversationItem.Thought t) {
                return id == null || t.messageId() == null || id.equals(t.messageId());
            }
            return false;
        }

        private static String textOf(ConversationItem item) {
            if (item instanceof ConversationItem.UserMessage u) {
                return u.text();
            }
            if (item instanceof ConversationItem.AgentMessage a) {
                return a.text();
            }
            return ((ConversationItem.Thought) item).text();
        }

        private static ConversationItem withText(ConversationItem item, String text) {
            if (item instanceof ConversationItem.UserMessage u) {
                return new ConversationItem.UserMessage(u.index(), text);
            }
            if (item instanceof ConversationItem.AgentMessage a) {
                return new ConversationItem.AgentMessage(a.index(), text, a.messageId());
            }
            ConversationItem.Thought t = (ConversationItem.Thought) item;
            return new ConversationItem.Thought(t.index(), text, t.messageId());
        }

        private void toolCallUpdate(SessionUpdate.ToolCallUpdate change) {
            Integer at = toolCalls.get(change.toolCallId());
            if (at == null) {
                int index = items.size();
                put(
                        index,
                        new ConversationItem.ToolCall(
                                index,
                                change.toolCallId(),
                                change.title() == null ? "" : change.title(),
                                change.kind() == null ? ToolKind.OTHER : change.kind(),
                                change.status() == null ? ToolCallStatus.PENDING : change.status(),
                                orEmpty(change.content()),
                                orEmpty(change.locations()),
                                change.rawInput(),
                                change.rawOutput()));
                return;
            }
            ConversationItem.ToolCall old = (ConversationItem.ToolCall) items.get(at);
            put(
                    at,
                    new ConversationItem.ToolCall(
                            at,
                            old.toolCallId(),
                            change.title() != null ? change.title() : old.title(),
                            change.kind() != null ? change.kind() : old.kind(),
                            change.status() != null ? change.status() : old.status(),
                            change.content() != null ? List.copyOf(change.content()) : old.content(),
                            change.locations() != null ? List.copyOf(change.locations()) : old.locations(),
                            change.rawInput() != null ? change.rawInput() : old.rawInput(),
                            change.rawOutput() != null ? change.rawOutput() : old.rawOutput()));
        }

        private void startTurn() {
            planIndex = -1;
        }

        private void add(ConversationItem item) {
            closeText();
            items.add(item);
        }

        /** Writes the text of chunks appended to the last item into it, and ends the appending. */
        private void closeText() {
            if (openText != null) {
                ConversationItem last = items.get(items.size() - 1);
                items.set(last.index(), withText(last, openText.toString()));
                openText = null;
            }
        }

        /**
         * Sets an item at its index, appending when it is new. Changing an earlier item in place does not end
         * a message still taking chunks: the agent's reply goes on around a tool call's progress.
         */
        private void put(int index, ConversationItem item) {
            if (index == items.size()) {
                add(item);
            } else {
                items.set(index, item);
            }
            if (item instanceof ConversationItem.ToolCall call) {
                toolCalls.put(call.toolCallId(), index);
            }
        }

        Conversation build() {
            closeText();
            return new Conversation(List.copyOf(items), Map.copyOf(toolCalls), planIndex, currentModeId, usage, title);
        }

        private static <T> List<T> orEmpty(List<T> list) {
            return list == null ? List.of() : List.copyOf(list);
        }
    }
}
