package io.kaged.actors.run.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.actors.acp.ClientResponse.ExitStatus;
import io.kaged.actors.run.RunSummary;
import org.junit.jupiter.api.Test;

class TerminalExitTest {

    @Test
    void aLiveChildHasNoExitStatus() {
        assertNull(TerminalExit.of(new RunSummary("t", "running", null, 1)));
        assertNull(TerminalExit.of(new RunSummary("t", "queued", null, 0)));
    }

    @Test
    void anExitCodeIsTheExitAndAStatusPast128IsTheSignal() {
        assertEquals(new ExitStatus(0, null), TerminalExit.of(new RunSummary("t", "succeeded", 0, 1)));
        assertEquals(new ExitStatus(3, null), TerminalExit.of(new RunSummary("t", "failed", 3, 1)));
        assertEquals(new ExitStatus(null, "SIGTERM"), TerminalExit.of(new RunSummary("t", "cancelled", 143, 1)));
        assertEquals(new ExitStatus(null, "SIGKILL"), TerminalExit.of(new RunSummary("t", "failed", 137, 1)));
    }

    @Test
    void aCancelledChildHasEndedOnlyOnceItsProcessHas() {
        assertFalse(TerminalExit.ended(new RunSummary("t", "cancelled", null, 1)));
        assertTrue(TerminalExit.ended(new RunSummary("t", "cancelled", null, 0)), "cancelled before it started");
        assertTrue(TerminalExit.ended(new RunSummary("t", "interrupted", null, 1)));
    }
}
