package io.kaged.actors.acp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.TextNode;
import io.kaged.actors.acp.ConversationEvent.PromptSent;
import io.kaged.actors.acp.ConversationEvent.TurnEnded;
import io.kaged.actors.acp.ConversationEvent.TurnFailed;
import io.kaged.actors.acp.ConversationEvent.UpdateReceived;
import io.kaged.actors.acp.SessionUpdate.PlanEntry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConversationTest {

    private static UpdateReceived agent(String text) {
        return new UpdateReceived(new SessionUpdate.AgentMessageChunk(new ContentBlock.Text(text), null));
    }

    private static UpdateReceived agent(String text, String messageId) {
        return new UpdateReceived(new SessionUpdate.AgentMessageChunk(new ContentBlock.Text(text), messageId));
    }

    private static UpdateReceived thought(String text) {
        return new UpdateReceived(new SessionUpdate.AgentThoughtChunk(new ContentBlock.Text(text), null));
    }

    private static UpdateReceived user(String text) {
        return new UpdateReceived(new SessionUpdate.UserMessageChunk(new ContentBlock.Text(text), null));
    }

    private static UpdateReceived toolCall(String id, String title, ToolKind kind) {
        return new UpdateReceived(new SessionUpdate.ToolCall(
                id, title, kind, ToolCallStatus.PENDING, null, List.of(new ToolCallLocation("/w/a", 1)), null, null));
    }

    private static UpdateReceived toolUpdate(String id, ToolCallStatus status, List<ToolCallContent> content) {
        return new UpdateReceived(new SessionUpdate.ToolCallUpdate(id, null, null, status, content, null, null, null));
    }

    private static UpdateReceived plan(String... steps) {
        List<PlanEntry> entries = new ArrayList<>();
        for (String step : steps) {
            entries.add(new PlanEntry(step, PlanEntry.Priority.MEDIUM, PlanEntry.EntryStatus.PENDING));
        }
        return new UpdateReceived(new SessionUpdate.Plan(entries));
    }

    @Test
    void mergesConsecutiveChunksIntoOneMessageAndOneThought() {
        Conversation c = Conversation.of(List.of(
                new PromptSent("fix it"),
                thought("let me "),
                thought("look"),
                agent("Hel"),
                agent("lo"),
                agent(" there"),
                new TurnEnded(StopReason.END_TURN)));
        assertEquals(
                List.of(
                        new ConversationItem.UserMessage(0, "fix it"),
                        new ConversationItem.Thought(1, "let me look", null),
                        new ConversationItem.AgentMessage(2, "Hello there", null),
                        new ConversationItem.TurnEnd(3, StopReason.END_TURN, null)),
                c.items());
    }

    @Test
    void aDifferentMessageIdStartsANewMessage() {
        Conversation c = Conversation.of(List.of(agent("a", "m1"), agent("b", "m1"), agent("c", "m2")));
        assertEquals(
                List.of(
                        new ConversationItem.AgentMessage(0, "ab", "m1"),
                        new ConversationItem.AgentMessage(1, "c", "m2")),
                c.items());
    }

    @Test
    void anItemInBetweenEndsAMessage() {
        Conversation c = Conversation.of(List.of(agent("one"), toolCall("t1", "Read", ToolKind.READ), agent("two")));
        assertEquals(3, c.items().size());
        assertEquals(
                new ConversationItem.AgentMessage(2, "two", null), c.items().get(2));
    }

    @Test
    void toolCallUpdatesMergeIntoTheirCallInPlace() {
        List<ToolCallContent> diff = List.of(new ToolCallContent.Diff("/w/a", "x", "y"));
        Conversation c = Conversation.of(List.of(
                toolCall("t1", "Edit a", ToolKind.EDIT),
                agent("working"),
                toolUpdate("t1", ToolCallStatus.IN_PROGRESS, diff),
                agent(" still"),
                toolUpdate("t1", ToolCallStatus.COMPLETED, null)));
        ConversationItem.ToolCall call = (ConversationItem.ToolCall) c.items().get(0);
        assertEquals(ToolCallStatus.COMPLETED, call.status());
        assertEquals("Edit a", call.title());
        assertEquals(ToolKind.EDIT, call.kind());
        assertEquals(diff, call.content());
        assertEquals(List.of(new ToolCallLocation("/w/a", 1)), call.locations());
        // An update to an earlier item changes it in place; the agent's message goes on.
        assertEquals(
                new ConversationItem.AgentMessage(1, "working still", null),
                c.items().get(1));
        assertEquals(2, c.items().size());
    }

    @Test
    void anUpdateForAnUnknownToolCallOpensOne() {
        Conversation c = Conversation.of(List.of(new UpdateReceived(new SessionUpdate.ToolCallUpdate(
                "t9", "ls", ToolKind.EXECUTE, null, null, null, TextNode.valueOf("ls"), null))));
        ConversationItem.ToolCall call = (ConversationItem.ToolCall) c.items().get(0);
        assertEquals("t9", call.toolCallId());
        assertEquals(ToolCallStatus.PENDING, call.status());
        assertEquals(ToolKind.EXECUTE, call.kind());
    }

    @Test
    void aPlanReplacesThePlanOfItsTurnAndANewTurnGetsItsOwn() {
        Conversation c = Conversation.of(List.of(
                new PromptSent("a"),
                plan("one"),
                agent("ok"),
                plan("one", "two"),
                new TurnEnded(StopReason.END_TURN),
                new PromptSent("b"),
                plan("three")));
        assertEquals(6, c.items().size());
        assertEquals(2, ((ConversationItem.Plan) c.items().get(1)).entries().size());
        assertEquals(
                "three",
                ((ConversationItem.Plan) c.items().get(5)).entries().get(0).content());
    }

    @Test
    void replayedUserChunksAreUserMessagesAndFailedTurnsAreRecorded() {
        Conversation c = Conversation.of(
                List.of(user("hi "), user("there"), agent("hello"), new TurnFailed("Authentication required")));
        assertEquals(new ConversationItem.UserMessage(0, "hi there"), c.items().get(0));
        ConversationItem.TurnEnd end = (ConversationItem.TurnEnd) c.items().get(2);
        assertNull(end.stopReason());
        assertEquals("Authentication required", end.error());
    }

    @Test
    void keepsTheLatestModeUsageAndTitleOutsideTheItems() {
        Conversation c = Conversation.of(List.of(
                new UpdateReceived(new SessionUpdate.CurrentModeUpdate("ask")),
                new UpdateReceived(new SessionUpdate.CurrentModeUpdate("code")),
                new UpdateReceived(new SessionUpdate.UsageUpdate(5, 100, null)),
                new UpdateReceived(new SessionUpdate.SessionInfoUpdate("Fix bug", null)),
                new UpdateReceived(new SessionUpdate.AvailableCommandsUpdate(List.of()))));
        assertEquals(List.of(), c.items());
        assertEquals("code", c.currentModeId());
        assertEquals(5, c.usage().used());
        assertEquals("Fix bug", c.title());
    }

    @Test
    void foldingOneEventAtATimeEqualsFoldingTheList() {
        List<ConversationEvent> events = List.of(
                new PromptSent("go"),
                thought("t"),
                thought("u"),
                toolCall("t1", "Edit", ToolKind.EDIT),
                agent("a"),
                toolUpdate("t1", ToolCallStatus.FAILED, null),
                agent("b"),
                plan("x"),
                plan("y"),
                new TurnEnded(StopReason.CANCELLED));
        Conversation stepwise = Conversation.empty();
        for (ConversationEvent e : events) {
            Conversation before = stepwise;
            int sizeBefore = before.items().size();
            stepwise = stepwise.apply(e);
            assertEquals(sizeBefore, before.items().size(), "apply must not change the conversation it came from");
        }
        assertEquals(Conversation.of(events).items(), stepwise.items());
        assertEquals(List.of(stepwise.items().get(2), stepwise.items().get(3)), stepwise.page(2, 2));
        assertEquals(List.of(), stepwise.page(50, 10));
    }

    @Test
    void foldingInBatchesEqualsFoldingTheListAndAMessageKeepsItsChunksAcrossBatches() {
        List<ConversationEvent> events = new ArrayList<>();
        events.add(new PromptSent("go"));
        for (int i = 0; i < 2_000; i++) {
            events.add(agent("c" + i + " "));
            if (i == 700) {
                events.add(toolCall("t1", "Edit", ToolKind.EDIT));
            }
            if (i == 900) {
                // a tool call's progress in place does not end the message taking chunks
                events.add(toolUpdate("t1", ToolCallStatus.COMPLETED, null));
            }
        }
        events.add(thought("done"));
        events.add(new TurnEnded(StopReason.END_TURN));
        Conversation whole = Conversation.of(events);
        for (int step : new int[] {1, 7, 500, events.size()}) {
            Conversation batched = Conversation.empty();
            for (int from = 0; from < events.size(); from += step) {
                Conversation before = batched;
                List<ConversationItem> itemsBefore = List.copyOf(before.items());
                batched = batched.apply(events.subList(from, Math.min(events.size(), from + step)));
                assertEquals(itemsBefore, before.items(), "apply must not change the conversation it came from");
            }
            assertEquals(whole.items(), batched.items(), "steps of " + step);
        }
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i <= 700; i++) {
            expected.append("c").append(i).append(' ');
        }
        ConversationItem.AgentMessage first =
                (ConversationItem.AgentMessage) whole.items().get(1);
        assertEquals(expected.toString(), first.text());
        ConversationItem.AgentMessage second =
                (ConversationItem.AgentMessage) whole.items().get(3);
        assertEquals("c701 ", second.text().substring(0, 5));
        assertEquals(true, second.text().endsWith("c1999 "));
        assertEquals(
                ToolCallStatus.COMPLETED,
                ((ConversationItem.ToolCall) whole.items().get(2)).status());
        assertEquals(6, whole.items().size());
    }
}
