package io.kaged.actors.process;

import io.kaged.actors.process.ProcessReport.LaunchFailed;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The events that say what became of a start's sandbox, recorded just before the start or failed start
 * they belong to. Runs and sessions name these events their own way; the order is the same for both.
 */
public final class SandboxEvents {

    private SandboxEvents() {}

    /**
     * {@code start}, after the event of the sandbox its process runs in ({@code applied}, with the profile)
     * or was let run without ({@code skipped}, with the reason).
     */
    public static <E> List<E> started(
            E start, RunningProcess process, Function<String, E> applied, Function<String, E> skipped) {
        List<E> events = new ArrayList<>(2);
        SandboxOutcome outcome = process.sandbox();
        if (outcome instanceof SandboxOutcome.Applied a) {
            events.add(applied.apply(a.profile()));
        } else if (outcome instanceof SandboxOutcome.Skipped k) {
            events.add(skipped.apply(k.reason()));
        }
        events.add(start);
        return events;
    }

    /** {@code failed}, after the refusal of its sandbox ({@code refused}, with the reason) when that is why. */
    public static <E> List<E> failed(E failed, LaunchFailed why, Function<String, E> refused) {
        return why.sandboxRefused() ? List.of(refused.apply(why.reason()), failed) : List.of(failed);
    }
}
