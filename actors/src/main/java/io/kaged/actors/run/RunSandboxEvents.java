package io.kaged.actors.run;

import io.kaged.actors.process.ProcessReport.LaunchFailed;
import io.kaged.actors.process.RunningProcess;
import io.kaged.actors.process.SandboxEvents;
import io.kaged.actors.run.RunActor.AttemptFailedToStart;
import io.kaged.actors.run.RunActor.AttemptStarted;
import io.kaged.actors.run.RunActor.Event;
import java.util.List;

/**
 * The run events that say what became of an attempt's sandbox and limits, recorded before its start or failed
 * start, and the limits it ran into, recorded before its end.
 */
final class RunSandboxEvents {

    private RunSandboxEvents() {}

    static List<Event> started(AttemptStarted start, RunningProcess process) {
        int n = start.attempt();
        long at = start.at();
        return SandboxEvents.started(
                start,
                process,
                new SandboxEvents.Names<>(
                        profile -> new RunActor.SandboxApplied(n, profile, at),
                        reason -> new RunActor.SandboxSkipped(n, reason, at),
                        a -> new RunActor.LimitsApplied(n, a.limits(), at),
                        k -> new RunActor.LimitsSkipped(n, k.limits(), k.reason(), at)));
    }

    /** The limits attempt {@code attempt}'s process tree ran into, to record before its end. */
    static List<Event> ended(int attempt, RunningProcess process, long at) {
        return SandboxEvents.ended(process, hit -> new RunActor.LimitReached(attempt, hit.limit(), hit.count(), at));
    }

    static List<Event> failed(AttemptFailedToStart failed, LaunchFailed why) {
        return SandboxEvents.failed(
                failed, why, reason -> new RunActor.SandboxRefused(failed.attempt(), reason, failed.at()));
    }
}
