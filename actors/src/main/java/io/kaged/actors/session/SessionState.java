package io.kaged.actors.session;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.kaged.actors.session.SessionActor.Closed;
import io.kaged.actors.session.SessionActor.Created;
import io.kaged.actors.session.SessionActor.Interrupted;
import io.kaged.actors.session.SessionActor.OutputRecorded;
import io.kaged.actors.session.SessionActor.ProcessExited;
import io.kaged.actors.session.SessionActor.ProcessStarted;
import io.kaged.actors.session.SessionActor.Resized;
import io.kaged.actors.session.SessionActor.StartFailed;
import io.kaged.persistence.serialization.KagedSerializable;
import java.time.Duration;

/**
 * A session's persistent state: one immutable record per phase, each with the transitions that leave it.
 * The event handler only picks the transition; what an event does to a session is written here.
 *
 * <p>Snapshots hold these records as JSON under their class names; the names before this file existed
 * ({@code SessionActor$Starting}, {@code SessionActor$PausedState}...) are read through {@code
 * MovedClasses}.
 */
// Stored snapshots carry each phase's @JsonTypeName as "@type": never change one.
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
public sealed interface SessionState extends KagedSerializable {

    /** The state's name in the API: new, starting, running, paused, or how it ended. */
    String label();

    /** The session's facts that every phase carries. */
    record Session(String id, SessionSpec spec, long createdAt, int restarts, int failuresInARow, Transcript transcript)
            implements KagedSerializable {

        Session restarted(boolean healthyRun) {
            return new Session(id, spec, createdAt, restarts + 1, healthyRun ? 0 : failuresInARow + 1, transcript);
        }

        /** Started again by hand: a restart that begins a new count of failures. */
        Session restartedByHand() {
            return new Session(id, spec, createdAt, restarts + 1, 0, transcript);
        }

        Session withTranscript(Transcript t) {
            return new Session(id, spec, createdAt, restarts, failuresInARow, t);
        }

        Session withSpec(SessionSpec s) {
            return new Session(id, s, createdAt, restarts, failuresInARow, transcript);
        }
    }

    /** Not created: the only phase without a session. */
    @JsonTypeName("empty")
    record Empty() implements SessionState {
        public String label() {
            return "new";
        }

        public Starting created(Created e) {
            return new Starting(new Session(e.sessionId(), e.spec(), e.at(), 0, 0, Transcript.EMPTY));
        }
    }

    /** Every phase of a created session; the transitions that do not depend on the phase. */
    sealed interface Existing extends SessionState {
        Session session();

        Existing withSession(Session session);

        /** When the current process started, while it runs or is paused. */
        default Long liveSince() {
            return null;
        }

        /** The process's pid while it runs or is paused. */
        default Long livePid() {
            return null;
        }

        default Integer exitCode() {
            return null;
        }

        default Existing resized(Resized e) {
            return withSession(session().withSpec(session().spec().withSize(e.cols(), e.rows())));
        }

        default Existing outputRecorded(OutputRecorded e) {
            return withSession(
                    session().withTranscript(session().transcript().append(e.chunkSeq(), e.size(), e.keepFrom())));
        }

        default Existing startFailed(StartFailed e) {
            return e.willRestart()
                    ? new Starting(session().restarted(false))
                    : new Ended(session(), "exited", null, e.at());
        }

        /**
         * The process ended; a restart resets the failure count when the run was healthy, as the event
         * says. Events written before it said so are judged by {@code legacy}'s reset-after.
         */
        default Existing exited(ProcessExited e, Backoff legacy) {
            return exitedAfter(this, e.at(), e, legacy);
        }

        default Existing interrupted(Interrupted e) {
            return e.willRestart()
                    ? new Starting(session().restarted(false))
                    : new Ended(session(), "interrupted", null, e.at());
        }

        default Ended closed(Closed e) {
            return new Ended(session(), "closed", null, e.at());
        }

        default SessionSummary summary() {
            Session d = session();
            return new SessionSummary(
                    d.id(),
                    label(),
                    livePid(),
                    exitCode(),
                    d.restarts(),
                    d.spec().cols(),
                    d.spec().rows(),
                    d.transcript().bytes());
        }
    }

    /** Waiting for the process to start (first start, or a restart after its backoff). */
    @JsonTypeName("starting")
    record Starting(Session session) implements Existing {
        public String label() {
            return "starting";
        }

        public Starting withSession(Session s) {
            return new Starting(s);
        }

        public Running started(ProcessStarted e) {
            return new Running(session, e.osPid(), e.at());
        }
    }

    /** A phase with a process: running, or paused (its group stopped). */
    sealed interface Live extends Existing {
        long osPid();

        long startedAt();

        @Override
        default Long liveSince() {
            return startedAt();
        }

        @Override
        default Long livePid() {
            return osPid();
        }

        @Override
        default Existing exited(ProcessExited e, Backoff legacy) {
            return exitedAfter(this, startedAt(), e, legacy);
        }
    }

    @JsonTypeName("running")
    record Running(Session session, long osPid, long startedAt) implements Live {
        public String label() {
            return "running";
        }

        public Running withSession(Session s) {
            return new Running(s, osPid, startedAt);
        }

        public Paused paused() {
            return new Paused(session, osPid, startedAt);
        }
    }

    /** Its process group is stopped (SIGSTOP). */
    @JsonTypeName("paused")
    record Paused(Session session, long osPid, long startedAt) implements Live {
        public String label() {
            return "paused";
        }

        public Paused withSession(Session s) {
            return new Paused(s, osPid, startedAt);
        }

        public Running resumed() {
            return new Running(session, osPid, startedAt);
        }
    }

    /** No process and none coming: {@code how} is exited, closed or interrupted. */
    @JsonTypeName("ended")
    record Ended(Session session, String how, Integer exitCode, long endedAt) implements Existing {
        public String label() {
            return how;
        }

        public Ended withSession(Session s) {
            return new Ended(s, how, exitCode, endedAt);
        }

        public Starting restarted() {
            return new Starting(session.restartedByHand());
        }

        /** The end of a process that outlived its session's end (a close): only its exit code is news. */
        @Override
        public Ended exited(ProcessExited e, Backoff legacy) {
            return new Ended(session, how, e.exitCode(), endedAt);
        }
    }

    private static Existing exitedAfter(Existing s, long startedAt, ProcessExited e, Backoff legacy) {
        if (!e.willRestart()) {
            return new Ended(s.session(), "exited", e.exitCode(), e.at());
        }
        boolean healthy = e.healthyRun() != null ? e.healthyRun() : healthy(startedAt, e.at(), legacy);
        return new Starting(s.session().restarted(healthy));
    }

    /** Whether a process that started at {@code startedAt} and ended at {@code endedAt} ran long enough. */
    static boolean healthy(long startedAt, long endedAt, Backoff backoff) {
        return backoff.ranLongEnough(Duration.ofMillis(endedAt - startedAt));
    }
}
