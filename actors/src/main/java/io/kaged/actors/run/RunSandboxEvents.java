package io.kaged.actors.run;

import io.kaged.actors.process.ProcessReport.LaunchFailed;
import io.kaged.actors.process.RunningProcess;
import io.kaged.actors.process.SandboxOutcome;
import java.util.ArrayList;
import java.util.List;

/** The run events that say what became of an attempt's sandbox, recorded before its start or failed start. */
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
        events.add(start);
        return events;
    }

    /** {@code failed}, after the refusal of its sandbox when that is why it failed. */
    static List<RunActor.Event> failed(RunActor.AttemptFailedToStart failed, LaunchFailed why) {
        return why.sandboxRefused()
                ? List.of(new RunActor.SandboxRefused(failed.attempt(), why.reason(), failed.at()), failed)
                : List.of(failed);
    }
}
