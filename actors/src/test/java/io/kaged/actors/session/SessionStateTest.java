package io.kaged.actors.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A session's phases and their transitions, as a replay applies them: from the event and the state only. */
class SessionStateTest {

    private static final SessionSpec SPEC =
            new SessionSpec(List.of("sh"), null, Map.of(), 80, 24, "t", "p", RestartPolicy.ALWAYS, null, null);

    /** Two failures in a row so far; the process ran from t=0 to t=100 s. */
    private static final SessionState.Running RUNNING =
            new SessionState.Running(new SessionState.Session("s", SPEC, 0, 2, 2, Transcript.EMPTY), 42, 0);

    private static Backoff resetAfter(Duration d) {
        return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), d);
    }

    private static int failuresInARow(SessionState s) {
        return ((SessionState.Starting) s).session().failuresInARow();
    }

    @Test
    void replaysAnExitAsItWasJudgedWhateverTheSettingsOfTheReplay() {
        SessionActor.ProcessExited healthy = new SessionActor.ProcessExited(1, true, 100_000, true);
        SessionActor.ProcessExited unhealthy = new SessionActor.ProcessExited(1, true, 100_000, false);
        for (Backoff settings : List.of(resetAfter(Duration.ZERO), resetAfter(Duration.ofHours(1)))) {
            assertEquals(0, failuresInARow(RUNNING.exited(healthy, settings)));
            assertEquals(3, failuresInARow(RUNNING.exited(unhealthy, settings)));
        }
    }

    @Test
    void judgesAnExitRecordedBeforeTheJudgementWasByTheSettings() {
        SessionActor.ProcessExited old = new SessionActor.ProcessExited(1, true, 100_000);
        assertEquals(0, failuresInARow(RUNNING.exited(old, resetAfter(Duration.ofSeconds(30)))));
        assertEquals(3, failuresInARow(RUNNING.exited(old, resetAfter(Duration.ofMinutes(5)))));
    }

    @Test
    void anExitWithoutRestartEndsTheSessionWithItsCode() {
        SessionState s =
                RUNNING.exited(new SessionActor.ProcessExited(7, false, 100_000, null), resetAfter(Duration.ZERO));
        assertEquals(new SessionState.Ended(RUNNING.session(), "exited", 7, 100_000), s);
    }
}
