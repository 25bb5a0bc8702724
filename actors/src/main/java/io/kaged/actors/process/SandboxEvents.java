package io.kaged.actors.process;

import io.kaged.actors.process.ProcessReport.LaunchFailed;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The events that say what became of a start's sandbox and resource limits, recorded just before the start
 * or failed start they belong to, and the limits its process tree ran into, recorded before its end. Runs and
 * sessions name these events their own way; the order is the same for both.
 */
public final class SandboxEvents {

    private SandboxEvents() {}

    /** How a run or a session names the events of its confinement. */
    public record Names<E>(
            Function<String, E> applied,
            Function<String, E> skipped,
            Function<LimitsOutcome.Applied, E> limitsApplied,
            Function<LimitsOutcome.Skipped, E> limitsSkipped) {}

    /**
     * {@code start}, after the events of the sandbox its process runs in (with the profile) or was let run
     * without (with the reason), and of the limits applied to it or skipped (with why).
     */
    public static <E> List<E> started(E start, RunningProcess process, Names<E> names) {
        List<E> events = new ArrayList<>(3);
        SandboxOutcome outcome = process.sandbox();
        if (outcome instanceof SandboxOutcome.Applied a) {
            events.add(names.applied().apply(a.profile()));
        } else if (outcome instanceof SandboxOutcome.Skipped k) {
            events.add(names.skipped().apply(k.reason()));
        }
        LimitsOutcome limits = process.limits();
        if (limits instanceof LimitsOutcome.Applied a) {
            events.add(names.limitsApplied().apply(a));
        } else if (limits instanceof LimitsOutcome.Skipped k) {
            events.add(names.limitsSkipped().apply(k));
        }
        events.add(start);
        return events;
    }

    /** The limits the process tree ran into, to record before its end; none without a process. */
    public static <E> List<E> ended(RunningProcess process, Function<LimitHit, E> reached) {
        return process == null
                ? List.of()
                : process.limitsHit().stream().map(reached).toList();
    }

    /** {@code failed}, after the refusal of its sandbox ({@code refused}, with the reason) when that is why. */
    public static <E> List<E> failed(E failed, LaunchFailed why, Function<String, E> refused) {
        return why.sandboxRefused() ? List.of(refused.apply(why.reason()), failed) : List.of(failed);
    }
}
