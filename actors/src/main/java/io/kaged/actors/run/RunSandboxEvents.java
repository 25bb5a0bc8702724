package io.kaged.actors.run;

import io.kaged.actors.process.ProcessReport.LaunchFailed;
import io.kaged.actors.process.RunningProcess;
import io.kaged.actors.process.SandboxEvents;
import io.kaged.actors.run.RunActor.AttemptFailedToStart;
import io.kaged.actors.run.RunActor.AttemptStarted;
import io.kaged.actors.run.RunActor.Event;
import java.util.List;

/** The run events that say what became of an attempt's sandbox ({@link SandboxEvents}), by attempt. */
final class RunSandboxEvents {

    private RunSandboxEvents() {}

    static List<Event> started(AttemptStarted start, RunningProcess process) {
        int n = start.attempt();
        return SandboxEvents.started(
                start,
                process,
                profile -> new RunActor.SandboxApplied(n, profile, start.at()),
                reason -> new RunActor.SandboxSkipped(n, reason, start.at()));
    }

    static List<Event> failed(AttemptFailedToStart failed, LaunchFailed why) {
        return SandboxEvents.failed(
                failed, why, reason -> new RunActor.SandboxRefused(failed.attempt(), reason, failed.at()));
    }
}
