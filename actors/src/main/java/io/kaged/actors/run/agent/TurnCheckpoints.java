package io.kaged.actors.run.agent;

import io.kaged.actors.process.ProcessMessage;
import io.kaged.actors.process.SupervisedProcess;
import io.kaged.actors.run.RunActor;
import io.kaged.actors.run.RunState;
import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * A checkpoint before each turn of an ACP run whose project asks for it ({@code {"acp": {"checkpointBeforeTurn":
 * true}}}, ADR-0068). The checkpoint is the run's own {@link RunActor.Checkpoint}, sent to itself, so it is taken
 * exactly as a hand-taken one (a snapshot of the state and of the workspace's files) and listed with the label
 * {@code before turn N}. The turn's prompt waits in the run's queue until the checkpoint has answered, so the
 * files are recorded before the agent hears the prompt, and a crash meanwhile loses no prompt.
 */
final class TurnCheckpoints {

    /** The checkpoint before a turn has been taken ({@code error} when its files could not be recorded). */
    record Taken(int attempt, String checkpointId, String error) implements ProcessMessage {}

    /** A workspace snapshot reads every changed file: generous, since the turn waits for it anyway. */
    private static final Duration WAIT = Duration.ofMinutes(10);

    private final String runId;
    private final ActorContext<ProcessMessage> context;
    /** The attempt whose project's config asked for checkpoints; 0 for none. */
    private int wantedBy;
    /** The attempt whose checkpoint is being taken; 0 when none is. */
    private int underWay;

    TurnCheckpoints(String runId, ActorContext<ProcessMessage> context) {
        this.runId = runId;
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

    /**
     * When the attempt wants one, the checkpoint before the turn of the oldest queued prompt: marked under way at
     * once, asked for once {@code batch} is journaled. False when the prompt may go out now.
     */
    boolean before(AgentBatch batch, AgentState agent, int attempt) {
        if (!wanted(attempt)) {
            return false;
        }
        int turn = agent.prompts() + 1;
        underWay = attempt;
        batch.after.add(() -> take(attempt, turn));
        return true;
    }

    /** Asks the run for the checkpoint labelled {@code before turn N}; its answer comes back as {@link Taken}. */
    private void take(int attempt, int turn) {
        context.askWithStatus(
                String.class,
                context.getSelf(),
                WAIT,
                r -> new RunActor.Checkpoint(label(turn), RunActor.CheckpointTaken.TURN, r),
                (id, failure) ->
                        new Taken(attempt, id, failure == null ? null : SupervisedProcess.rootMessage(failure)));
    }

    /**
     * The answer for the current attempt is in: whether the turn's prompt may go out now, or the run has moved on
     * meanwhile (paused, ended, its queue emptied, its session gone).
     */
    boolean turnMayStart(RunState.Existing s, Taken t, boolean sessionOpen) {
        if (!underWay(t.attempt())) {
            return false;
        }
        underWay = 0;
        if (t.error() != null) {
            context.getLog().warn("ACP run {}: the checkpoint before the turn: {}", runId, t.error());
        }
        AgentState agent = s.run().agent();
        return s instanceof RunState.Running
                && agent != null
                && !agent.queued().isEmpty()
                && !agent.turnRunning(t.attempt())
                && sessionOpen;
    }
}
