package io.kaged.actors.run;

import io.kaged.actors.process.LimitHit;
import io.kaged.actors.process.LimitsOutcome;
import io.kaged.actors.process.ProcessReport.LaunchFailed;
import io.kaged.actors.process.RunningProcess;
import io.kaged.actors.process.SandboxOutcome;
import java.util.ArrayList;
import java.util.List;

/**
 * The run events that say what became of an attempt's sandbox and limits, recorded before its start or failed
 * start, and the limits it ran into, recorded before its end.
 */
final class RunSandboxEvents {

    private RunSandboxEvents() {}

    /** {@code start}, after the event of the sandbox its process runs in (or was let run without). */
    static List<RunActor.Event> started(RunActor.AttemptStarted start, RunningProcess process) {
        List<RunActor.Event> events = new ArrayList<>(2);
        SandboxOutcome outcome = process.sandbox();
        if (outcome instanceof SandboxOutcome.Applied a) {
            events.add(new RunActor.SandboxApplied(start.attempt(), a.profile(), start.at()));
        } else if (outcome instanceof SandboxOutcome.Skipped k) {
            events.add(new RunActor.SandboxSkipped(start.attempt(), k.reason(), start.at()));
        }
        LimitsOutcome limits = process.limits();
        if (limits instanceof LimitsOutcome.Applied a) {
            events.add(new RunActor.LimitsApplied(start.attempt(), a.limits(), start.at()));
        } else if (limits instanceof LimitsOutcome.Skipped k) {
            events.add(new RunActor.LimitsSkipped(start.attempt(), k.limits(), k.reason(), start.at()));
        }
        events.add(start);
        return events;
    }

    /** The limits attempt {@code attempt}'s process tree ran into, to record before its end. */
    static List<RunActor.Event> ended(int attempt, RunningProcess process, long at) {
        if (process == null) {
            return List.of();
        }
        List<RunActor.Event> events = new ArrayList<>(2);
        for (LimitHit hit : process.limitsHit()) {
            events.add(new RunActor.LimitReached(attempt, hit.limit(), hit.count(), at));
        }
        return events;
    }

    /** {@code failed}, after the refusal of its sandbox when that is why it failed. */
    static List<RunActor.Event> failed(RunActor.AttemptFailedToStart failed, LaunchFailed why) {
        return why.sandboxRefused()
                ? List.of(new RunActor.SandboxRefused(failed.attempt(), why.reason(), failed.at()), failed)
                : List.of(failed);
    }
}
