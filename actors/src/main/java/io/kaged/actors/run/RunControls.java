package io.kaged.actors.run;

import io.kaged.actors.process.Orphans;
import io.kaged.actors.process.ProcessMessage;
import io.kaged.actors.process.Replying;
import io.kaged.actors.process.Signal;
import io.kaged.actors.process.SupervisedProcess;
import io.kaged.actors.run.RunActor.Cancel;
import io.kaged.actors.run.RunActor.Cancelled;
import io.kaged.actors.run.RunActor.Checkpoint;
import io.kaged.actors.run.RunActor.CheckpointTaken;
import io.kaged.actors.run.RunActor.DescendantsCancelled;
import io.kaged.actors.run.RunActor.Event;
import io.kaged.actors.run.RunActor.ParentEnded;
import io.kaged.actors.run.RunActor.Pause;
import io.kaged.actors.run.RunActor.Resume;
import io.kaged.actors.run.RunActor.Resumed;
import io.kaged.actors.run.RunActor.TimedOut;
import io.kaged.actors.run.RunState.Existing;
import io.kaged.actors.run.RunState.Running;
import io.kaged.persistence.store.Ids;
import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * What the operator does to a dispatched run, and what a parent's end does to it: pause (SIGSTOP, with a
 * checkpoint), resume (SIGCONT), cancel (SIGTERM, then SIGKILL after the grace, and the cascade to its
 * children, ADR-0058), and a named checkpoint. Each handler records its event first and acts on the process
 * after; {@link RunBehavior} routes the commands here by the run's phase. A record: it only holds the
 * parts of the run it acts on.
 */
record RunControls(
        String runId,
        RunBehavior behavior,
        SupervisedProcess process,
        TimerScheduler<ProcessMessage> timers,
        RunWorkspace workspace,
        RunCascade cascade) {

    ReplyEffect<Event, RunState> pause(Running s, Pause c) {
        RunActor.Paused paused = new RunActor.Paused(Ids.newId(), behavior.now());
        return behavior.record(paused, c, st -> {
            // The timeout is suspended while paused and starts afresh on resume: a debugging pause is no failure.
            timers.cancel(new TimedOut(s.run().attempts()));
            process.signal(Signal.STOP);
            workspace.snapshot(s.run().spec(), paused.checkpointId(), null);
        });
    }

    ReplyEffect<Event, RunState> resume(RunState.Paused s, Resume c) {
        return behavior.record(new Resumed(behavior.now()), c, st -> {
            process.signal(Signal.CONT);
            Long timeout = s.run().spec().timeoutMs();
            if (timeout != null) {
                timers.startSingleTimer(new TimedOut(s.run().attempts()), Duration.ofMillis(timeout));
            }
        });
    }

    ReplyEffect<Event, RunState> cancel(Existing s, Cancel c) {
        return cancelled(s, null, c);
    }

    ReplyEffect<Event, RunState> checkpoint(Existing s, Checkpoint c) {
        String id = Ids.newId();
        return behavior.Effect()
                .persist(new CheckpointTaken(id, c.label(), behavior.now(), c.reason()))
                .thenRun(st -> workspace.snapshot(s.run().spec(), id, c.replyTo())) // answers, once files are in
                .thenNoReply();
    }

    // ---- the cascade to child runs (ADR-0058) ---------------------------------------------------------

    ReplyEffect<Event, RunState> parentEnded(Existing s, ParentEnded c) {
        if (!s.run().spec().endsWithParent()) {
            return behavior.Effect().reply(c.replyTo(), StatusReply.success(0));
        }
        return cancelled(s, c.reason(), c);
    }

    /**
     * Records the cancel, ends the process, then has the supervisor cancel this run's children; {@code asked}
     * is answered once their count is back. A run still being recovered has no process of its own yet: what
     * the previous daemon left running under its id is reaped instead.
     */
    private ReplyEffect<Event, RunState> cancelled(Existing s, String reason, Replying<?> asked) {
        boolean recovering = process.recovering();
        long osPid = s instanceof Running r ? r.osPid() : s instanceof RunState.Paused p ? p.osPid() : -1;
        return behavior.Effect()
                .persist(new Cancelled(behavior.now(), reason))
                .thenRun(st -> {
                    process.cancelLaunch();
                    if (recovering) {
                        process.reapOrphans(osPid, Orphans.RUN, runId);
                    } else {
                        process.terminate(Signal.TERM);
                    }
                    cascade.start(RunCascade.PARENT_CANCELLED, asked);
                })
                .thenNoReply();
    }

    ReplyEffect<Event, RunState> descendantsCancelled(Existing s, DescendantsCancelled c) {
        cascade.answered(c, s.summary());
        return behavior.Effect().noReply();
    }
}
