package io.kaged.actors.run.agent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.actors.acp.AgentMessage;
import io.kaged.actors.acp.ContentBlock;
import io.kaged.actors.acp.RequestId;
import io.kaged.actors.acp.SessionUpdate;
import org.junit.jupiter.api.Test;

/** When a few updates wait for more, and that nothing else the agent sends ever waits with them. */
class UpdateHoldTest {

    private static final AgentMessage UPDATE =
            new AgentMessage.Update("s", new SessionUpdate.AgentMessageChunk(new ContentBlock.Text("x"), null));
    private static final AgentMessage REQUEST = new AgentMessage.RequestWithdrawn(RequestId.of(1));

    @Test
    void aFewUpdatesWaitAndEnoughGoAtOnce() {
        UpdateHold hold = new UpdateHold();
        assertFalse(hold.hold(0), "nothing to hold");
        hold.queuing(UPDATE);
        assertTrue(hold.hold(1));
        assertFalse(hold.wakes(UPDATE), "another update does not end the wait");
        assertFalse(hold.hold(UpdateHold.ENOUGH));
    }

    @Test
    void anythingButAnUpdateEndsTheWaitAndIsNeverHeld() {
        UpdateHold hold = new UpdateHold();
        hold.queuing(UPDATE);
        assertTrue(hold.hold(1));
        hold.queuing(REQUEST);
        assertTrue(hold.wakes(REQUEST), "the actor holding is told of the request");
        assertFalse(hold.wakes(REQUEST), "and told once");
        assertFalse(hold.hold(2), "a request waiting is taken with the updates before it");
        hold.took(UPDATE);
        hold.took(REQUEST);
        hold.released();
        hold.queuing(UPDATE);
        assertTrue(hold.hold(1), "once the request is taken, updates alone may wait again");
    }

    @Test
    void aRequestQueuedBeforeTheActorDecidesIsNotLeftForTheTimer() {
        UpdateHold hold = new UpdateHold();
        hold.queuing(UPDATE);
        hold.queuing(REQUEST);
        // the reader found no wait to end, so nobody tells the actor again: it must not hold
        assertFalse(hold.wakes(REQUEST));
        assertFalse(hold.hold(2));
    }
}
