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
                new SandboxEvents.Names<>(
                        p -> new SessionActor.SandboxApplied(p, at),
                        r -> new SessionActor.SandboxSkipped(r, at),
                        a -> new SessionActor.LimitsApplied(a.limits(), at),
                        k -> new SessionActor.LimitsSkipped(k.limits(), k.reason(), at)));
    }

    /** The limits the session's process tree ran into, to record before its exit. */
    static List<Event> ended(RunningProcess process, long at) {
        return SandboxEvents.ended(process, hit -> new SessionActor.LimitReached(hit.limit(), hit.count(), at));
    }

    static List<Event> failed(SessionActor.StartFailed failed, LaunchFailed why) {
        return SandboxEvents.failed(failed, why, r -> new SessionActor.SandboxRefused(r, failed.at()));
    }
}
