package io.kaged.actors.run.agent;

import io.kaged.actors.process.ProcessMessage;
import io.kaged.actors.process.SupervisedProcess;
import io.kaged.actors.run.RunActor;
import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * A checkpoint before each turn of an ACP run whose project asks for it ({@code {"acp": {"checkpointBeforeTurn":
 * true}}}, ADR-XXXX). The checkpoint is the run's own {@link RunActor.Checkpoint}, sent to itself, so it is taken
 * exactly as a hand-taken one (a snapshot of the state and of the workspace's files) and listed with the label
 * {@code before turn N}. The turn's prompt waits in the run's queue until the checkpoint has answered, so the
 * files are recorded before the agent hears the prompt, and a crash meanwhile loses no prompt.
 */
final class TurnCheckpoints {

    /** The checkpoint before a turn has been taken ({@code error} when its files could not be recorded). */
    record Taken(int attempt, String checkpointId, String error) implements ProcessMessage {}

    /** A workspace snapshot reads every changed file: generous, since the turn waits for it anyway. */
    private static final Duration WAIT = Duration.ofMinutes(10);

    private final ActorContext<ProcessMessage> context;
    /** The attempt whose project's config asked for checkpoints; 0 for none. */
    private int wantedBy;
    /** The attempt whose checkpoint is being taken; 0 when none is. */
    private int underWay;

    TurnCheckpoints(ActorContext<ProcessMessage> context) {
        this.context = context;
    }

    static String label(int turn) {
        return "before turn " + turn;
    }

    /** The attempt's session is open; {@code wanted} is what its project's config said. */
    void sessionOpened(int attempt, boolean wanted) {
        wantedBy = wanted ? attempt : 0;
        underWay = 0;
    }

    boolean wanted(int attempt) {
        return attempt != 0 && wantedBy == attempt;
    }

    /** While the checkpoint is taken the turn is as good as running: another prompt waits or is refused. */
    boolean underWay(int attempt) {
        return attempt != 0 && underWay == attempt;
    }

    /** Marks the checkpoint under way now, before what asks for it is journaled. */
    void begin(int attempt) {
        underWay = attempt;
    }

    /** Asks the run for the checkpoint labelled {@code before turn N}; its answer comes back as {@link Taken}. */
    void take(int attempt, int turn) {
        context.askWithStatus(
                String.class,
                context.getSelf(),
                WAIT,
                r -> new RunActor.Checkpoint(label(turn), r),
                (id, failure) ->
                        new Taken(attempt, id, failure == null ? null : SupervisedProcess.rootMessage(failure)));
    }

    /** Whether {@code t} is the answer the current attempt waits for; it then no longer waits. */
    boolean taken(Taken t) {
        if (!underWay(t.attempt())) {
            return false;
        }
        underWay = 0;
        return true;
    }
}
