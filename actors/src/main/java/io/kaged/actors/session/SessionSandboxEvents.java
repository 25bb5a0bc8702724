package io.kaged.actors.session;

import io.kaged.actors.process.LimitHit;
import io.kaged.actors.process.LimitsOutcome;
import io.kaged.actors.process.ProcessReport.LaunchFailed;
import io.kaged.actors.process.RunningProcess;
import io.kaged.actors.process.SandboxOutcome;
import java.util.ArrayList;
import java.util.List;

/** The session events that say what became of its process's sandbox, recorded before its start or failed start. */
final class SessionSandboxEvents {

    private SessionSandboxEvents() {}

    static List<SessionActor.Event> started(SessionActor.ProcessStarted start, RunningProcess process) {
        List<SessionActor.Event> events = new ArrayList<>(2);
        SandboxOutcome outcome = process.sandbox();
        if (outcome instanceof SandboxOutcome.Applied a) {
            events.add(new SessionActor.SandboxApplied(a.profile(), start.at()));
        } else if (outcome instanceof SandboxOutcome.Skipped k) {
            events.add(new SessionActor.SandboxSkipped(k.reason(), start.at()));
        }
        LimitsOutcome limits = process.limits();
        if (limits instanceof LimitsOutcome.Applied a) {
            events.add(new SessionActor.LimitsApplied(a.limits(), start.at()));
        } else if (limits instanceof LimitsOutcome.Skipped k) {
            events.add(new SessionActor.LimitsSkipped(k.limits(), k.reason(), start.at()));
        }
        events.add(start);
        return events;
    }

    /** The limits the session's process tree ran into, to record before its exit. */
    static List<SessionActor.Event> ended(RunningProcess process, long at) {
        if (process == null) {
            return List.of();
        }
        List<SessionActor.Event> events = new ArrayList<>(2);
        for (LimitHit hit : process.limitsHit()) {
            events.add(new SessionActor.LimitReached(hit.limit(), hit.count(), at));
        }
        return events;
    }

    static List<SessionActor.Event> failed(SessionActor.StartFailed failed, LaunchFailed why) {
        return why.sandboxRefused()
                ? List.of(new SessionActor.SandboxRefused(why.reason(), failed.at()), failed)
                : List.of(failed);
    }
}
