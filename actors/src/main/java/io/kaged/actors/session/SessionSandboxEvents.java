package io.kaged.actors.session;

import io.kaged.actors.process.ProcessReport.LaunchFailed;
import io.kaged.actors.process.RunningProcess;
import io.kaged.actors.process.SandboxEvents;
import io.kaged.actors.session.SessionActor.Event;
import java.util.List;

/** The session events that say what became of its process's sandbox ({@link SandboxEvents}). */
final class SessionSandboxEvents {

    private SessionSandboxEvents() {}

    static List<Event> started(SessionActor.ProcessStarted start, RunningProcess process) {
        long at = start.at();
        return SandboxEvents.started(
                start,
                process,
                p -> new SessionActor.SandboxApplied(p, at),
                r -> new SessionActor.SandboxSkipped(r, at));
    }

    static List<Event> failed(SessionActor.StartFailed failed, LaunchFailed why) {
        return SandboxEvents.failed(failed, why, r -> new SessionActor.SandboxRefused(r, failed.at()));
    }
}
