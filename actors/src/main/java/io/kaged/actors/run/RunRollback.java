package io.kaged.actors.run;

import io.kaged.actors.process.ProcessMessage;
import io.kaged.actors.process.ProcessNotReady;
import io.kaged.actors.process.Signal;
import io.kaged.actors.process.SupervisedProcess;
import io.kaged.actors.run.RunActor.CheckpointLoaded;
import io.kaged.actors.run.RunActor.CheckpointUnavailable;
import io.kaged.actors.run.RunActor.Event;
import io.kaged.actors.run.RunActor.Rollback;
import io.kaged.actors.run.RunActor.RolledBack;
import io.kaged.actors.run.RunActor.TimedOut;
import io.kaged.actors.run.RunState.Existing;
import io.kaged.actors.run.RunState.Queued;
import io.kaged.actors.run.RunState.Run;
import io.kaged.actors.run.agent.RunAgent;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A run's rollback to a checkpoint: the checkpoint is read off the actor's thread (its answer comes back as
 * {@link CheckpointLoaded} or {@link CheckpointUnavailable}), its state is checked, the rollback is recorded,
 * then the old attempt is ended and the one that re-does the checkpoint's starts. The one part of a run that
 * a session has no counterpart for; {@link RunBehavior} routes its commands here.
 */
final class RunRollback {

    /** A process is started or recovered within about a second: when to send a rollback refused for it again. */
    static final Duration NOT_YET = Duration.ofSeconds(1);

    private final ActorContext<ProcessMessage> context;
    private final TimerScheduler<ProcessMessage> timers;
    private final String runId;
    private final RunBehavior behavior;
    private final SupervisedProcess process;
    private final RunWorkspace workspace;
    private final RunAgent agent;
    private RunCheckpoints checkpoints;
    /** A checkpoint is being read; the rollback's reply is still owed. */
    private boolean loading;

    RunRollback(
            ActorContext<ProcessMessage> context,
            TimerScheduler<ProcessMessage> timers,
            String runId,
            RunBehavior behavior,
            SupervisedProcess process,
            RunWorkspace workspace,
            RunAgent agent) {
        this.context = context;
        this.timers = timers;
        this.runId = runId;
        this.behavior = behavior;
        this.process = process;
        this.workspace = workspace;
        this.agent = agent;
    }

    // ---- handlers ---------------------------------------------------------------------------------

    /** The operator asked for a rollback: the checkpoint is read first, unless the run is being recovered. */
    ReplyEffect<Event, RunState> asked(Existing s, Rollback c) {
        if (process.recovering()) {
            return behavior.Effect().reply(c.replyTo(), StatusReply.error(notYet(runId, "is being recovered")));
        }
        load(c);
        return behavior.Effect().noReply();
    }

    ReplyEffect<Event, RunState> unavailable(Existing s, CheckpointUnavailable c) {
        answered();
        context.getLog().info("Rollback of run {} refused: {}", runId, c.reason());
        return behavior.Effect().reply(c.replyTo(), StatusReply.error(c.reason()));
    }

    /**
     * The checkpoint is read: unless refused, the output taken so far and the rollback are recorded, what
     * the old attempt prints from then on is set aside, and its process is ended (the next attempt starts
     * once its exit is recorded) or, with none, the next attempt starts now.
     */
    ReplyEffect<Event, RunState> loaded(Existing s, CheckpointLoaded c) {
        answered();
        RuntimeException refusal = refusal(c, process);
        if (refusal != null) {
            return behavior.Effect().reply(c.replyTo(), StatusReply.error(refusal));
        }
        List<Event> events = behavior.batches(s);
        events.add(rolledBack(c, behavior.now()));
        return behavior.Effect()
                .persist(events)
                .thenRun(st -> {
                    Run now = ((Existing) st).run();
                    // what the old attempt prints from now on is set aside with the rest
                    process.discardOutput();
                    agent.attemptEnded();
                    process.cancelLaunch();
                    timers.cancel(new TimedOut(now.attempts()));
                    if (process.hasProcess()) {
                        process.terminate(Signal.TERM);
                    } else {
                        behavior.launch(now);
                    }
                })
                .thenReply(c.replyTo(), st -> StatusReply.success(behavior.summary(st)));
    }

    // ---- reading the checkpoint -------------------------------------------------------------------

    void load(Rollback c) {
        loading = true;
        if (checkpoints == null) {
            checkpoints = RunCheckpoints.of(context.getSystem());
        }
        context.pipeToSelf(
                checkpoints.load(runId, c.checkpointId()).thenCompose(l -> withFiles(l, c.checkpointId())),
                (loaded, failure) -> {
                    if (failure instanceof java.util.concurrent.CompletionException
                            && failure.getCause() instanceof NoFiles) {
                        return new CheckpointUnavailable(
                                "checkpoint " + c.checkpointId()
                                        + " has no snapshot of the run's workspace (taken before"
                                        + " the run had one, or its snapshots are gone); the run's files cannot go back",
                                c.replyTo());
                    }
                    if (failure != null) {
                        return new CheckpointUnavailable(
                                "checkpoint could not be read: " + SupervisedProcess.rootMessage(failure), c.replyTo());
                    }
                    return loaded.<ProcessMessage>map(
                                    l -> new CheckpointLoaded(c.checkpointId(), l.sequenceNr(), l.state(), c.replyTo()))
                            .orElseGet(() -> new CheckpointUnavailable(
                                    "run " + runId + " has no checkpoint " + c.checkpointId(), c.replyTo()));
                });
    }

    /** A checkpoint of a run with a workspace whose files were not recorded. */
    private static final class NoFiles extends RuntimeException {
        NoFiles() {
            super(null, null, false, false);
        }
    }

    private java.util.concurrent.CompletableFuture<java.util.Optional<RunCheckpoints.Loaded>> withFiles(
            java.util.Optional<RunCheckpoints.Loaded> loaded, String checkpointId) {
        if (loaded.isEmpty() || !(loaded.get().state() instanceof Existing at)) {
            return java.util.concurrent.CompletableFuture.completedFuture(loaded);
        }
        return workspace.hasSnapshot(at.run().spec(), checkpointId).thenApply(has -> {
            if (!has) {
                throw new NoFiles();
            }
            return loaded;
        });
    }

    boolean loading() {
        return loading;
    }

    void answered() {
        loading = false;
    }

    /**
     * Why the run cannot go back to the loaded checkpoint now; null if it can. The checkpoint's state is a
     * refusal (409); an attempt being started is timing ({@link #notYet}).
     */
    RuntimeException refusal(CheckpointLoaded c, SupervisedProcess process) {
        if (!(c.state() instanceof Existing at && at.live())) {
            return new StatusReply.ErrorMessage("checkpoint " + c.checkpointId() + " was taken when the run was "
                    + c.state().label() + "; only a checkpoint of a live run can be rolled back to");
        }
        if (process.launching() || process.recovering()) {
            return notYet(runId, process.recovering() ? "is being recovered" : "is starting an attempt");
        }
        return null;
    }

    /**
     * A rollback that came while the run's process is being started or recovered: timing, not state, so a
     * 503 with Retry-After rather than a 409, saying when to send it again. Nothing was applied.
     */
    static ProcessNotReady notYet(String runId, String doing) {
        return new ProcessNotReady(
                "run " + runId + " " + doing + " and cannot be rolled back until its process is there; nothing"
                        + " was applied. Send the rollback again after " + NOT_YET.toSeconds()
                        + " s (Retry-After), or once GET /v1/runs/" + runId + " shows it running",
                NOT_YET);
    }

    /** The event of going back to a checkpoint that {@link #refusal} accepted. */
    RolledBack rolledBack(CheckpointLoaded c, long at) {
        Existing there = (Existing) c.state();
        return new RolledBack(
                c.checkpointId(),
                c.sequenceNr(),
                there.label(),
                there.run().attempts(),
                !(there instanceof Queued),
                there.run().nextChunk(),
                at);
    }
}
