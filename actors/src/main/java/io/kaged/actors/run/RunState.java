package io.kaged.actors.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.kaged.actors.run.RunActor.AttemptEnded;
import io.kaged.actors.run.RunActor.AttemptFailedToStart;
import io.kaged.actors.run.RunActor.AttemptStarted;
import io.kaged.actors.run.RunActor.Cancelled;
import io.kaged.actors.run.RunActor.Dispatched;
import io.kaged.actors.run.RunActor.Interrupted;
import io.kaged.actors.run.RunActor.RolledBack;
import io.kaged.actors.run.agent.AgentState;
import io.kaged.persistence.serialization.KagedSerializable;

/**
 * A run's persistent state: one immutable record per phase, each with the transitions that leave it.
 * The event handler only picks the transition; what an event does to a run is written here.
 *
 * <p>Snapshots hold these records as JSON under their class names; the names before this file existed
 * ({@code RunActor$Queued}, {@code RunActor$PausedRun}...) are read through {@code MovedClasses}.
 */
// Stored snapshots carry each phase's @JsonTypeName as "@type": never change one.
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
public sealed interface RunState extends KagedSerializable {

    /** The state's name in the API: new, queued, running, paused, or the outcome. */
    String label();

    /**
     * The run's facts that every phase carries. {@code attempts} counts every process start and never goes
     * back, so an attempt number always names one process; {@code forgiven} is how many of them a rollback
     * took off the retry budget.
     */
    record Run(
            String id,
            RunSpec spec,
            long createdAt,
            int attempts,
            long nextChunk,
            int forgiven,
            @JsonInclude(JsonInclude.Include.NON_NULL) AgentState agent)
            implements KagedSerializable {

        /** A run that speaks no ACP, or one recorded before ACP runs existed. */
        public Run(String id, RunSpec spec, long createdAt, int attempts, long nextChunk, int forgiven) {
            this(id, spec, createdAt, attempts, nextChunk, forgiven, null);
        }

        Run attempted() {
            return new Run(id, spec, createdAt, attempts + 1, nextChunk, forgiven, agent);
        }

        Run chunked() {
            return new Run(id, spec, createdAt, attempts, nextChunk + 1, forgiven, agent);
        }

        /** After an event of the run's ACP agent. */
        Run agentEvent(RunActor.AgentEvent e) {
            AgentState from = agent == null ? AgentState.initial(spec) : agent;
            return new Run(id, spec, createdAt, attempts, nextChunk, forgiven, from.apply(e, spec));
        }

        /** Whether the attempt just counted may be followed by another. */
        boolean mayRetry() {
            return attempts - forgiven <= spec.retries();
        }

        /**
         * After a rollback the next attempt counts as the checkpoint's own attempt when one was live there,
         * else as the one after it: the retry budget is as it was at the checkpoint.
         */
        Run rolledBackTo(int checkpointAttempts, boolean attemptWasLive) {
            int budgetNumber = attemptWasLive ? checkpointAttempts : checkpointAttempts + 1;
            // the agent starts on a new ACP session: what it was told after the checkpoint is set aside
            return new Run(
                    id,
                    spec,
                    createdAt,
                    attempts,
                    nextChunk,
                    attempts + 1 - budgetNumber,
                    agent == null ? null : agent.withoutSession());
        }
    }

    /** Not dispatched: the only phase without a run. */
    @JsonTypeName("empty")
    record Empty() implements RunState {
        public String label() {
            return "new";
        }

        public Queued dispatched(Dispatched e) {
            return new Queued(new Run(e.runId(), e.spec(), e.at(), 0, 1, 0, AgentState.initial(e.spec())));
        }
    }

    /** Every phase of a dispatched run; the transitions that do not depend on the phase. */
    sealed interface Existing extends RunState {
        Run run();

        Existing withRun(Run run);

        /** Whether a process is, or is about to be, there. */
        default boolean live() {
            return !(this instanceof Finished);
        }

        default Existing agentEvent(RunActor.AgentEvent e) {
            return withRun(run().agentEvent(e));
        }

        default Existing outputRecorded() {
            return withRun(run().chunked());
        }

        default Existing failedToStart(AttemptFailedToStart e) {
            Run r = run().attempted();
            return e.willRetry() ? new Queued(r) : new Finished(r, "failed", null, e.at());
        }

        default Existing attemptEnded(AttemptEnded e) {
            if (e.willRetry()) {
                return new Queued(run());
            }
            String outcome = e.timedOut() ? "timed-out" : e.exitCode() == 0 ? "succeeded" : "failed";
            return new Finished(run(), outcome, e.exitCode(), e.at());
        }

        default Finished cancelled(Cancelled e) {
            return new Finished(run(), "cancelled", null, e.at());
        }

        default Existing interrupted(Interrupted e) {
            return e.willRetry() ? new Queued(run()) : new Finished(run(), "interrupted", null, e.at());
        }

        default Queued rolledBack(RolledBack e) {
            return new Queued(run().rolledBackTo(e.checkpointAttempts(), e.attemptWasLive()));
        }

        default RunSummary summary() {
            return new RunSummary(
                    run().id(), label(), this instanceof Finished f ? f.exitCode() : null, run().attempts());
        }
    }

    /** Recorded, waiting for its (next) attempt to start. */
    @JsonTypeName("queued")
    record Queued(Run run) implements Existing {
        public String label() {
            return "queued";
        }

        public Queued withRun(Run r) {
            return new Queued(r);
        }

        public Running started(AttemptStarted e) {
            return new Running(run.attempted(), e.osPid(), e.at());
        }
    }

    @JsonTypeName("running")
    record Running(Run run, long osPid, long startedAt) implements Existing {
        public String label() {
            return "running";
        }

        public Running withRun(Run r) {
            return new Running(r, osPid, startedAt);
        }

        public Paused paused() {
            return new Paused(run, osPid, startedAt);
        }
    }

    /** Its process group is stopped (SIGSTOP); reads work, the process makes no progress. */
    @JsonTypeName("paused")
    record Paused(Run run, long osPid, long startedAt) implements Existing {
        public String label() {
            return "paused";
        }

        public Paused withRun(Run r) {
            return new Paused(r, osPid, startedAt);
        }

        public Running resumed() {
            return new Running(run, osPid, startedAt);
        }
    }

    /** Done for good: {@code outcome} is succeeded, failed, cancelled, timed-out or interrupted. */
    @JsonTypeName("finished")
    record Finished(Run run, String outcome, Integer exitCode, long endedAt) implements Existing {
        public String label() {
            return outcome;
        }

        public Finished withRun(Run r) {
            return new Finished(r, outcome, exitCode, endedAt);
        }

        /** The end of a process that outlived its run's end (a cancel): only its exit code is news. */
        @Override
        public Finished attemptEnded(AttemptEnded e) {
            return new Finished(run, outcome, e.exitCode(), endedAt);
        }
    }
}
