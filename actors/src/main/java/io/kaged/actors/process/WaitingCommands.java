package io.kaged.actors.process;

import io.kaged.actors.process.ProcessReport.WaitExpired;
import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The count and fate of the commands that wait for their actor's process (ADR-0057). The commands
 * themselves wait in the event-sourced behaviour's stash, which keeps their order and hands them back
 * before anything that arrived later; this holds what the stash does not: the bound, the time limit, and
 * the refusal the waiting commands get when they are let through into a state where they still cannot
 * apply (the start failed and another attempt is due, or the wait expired). Used from its actor only.
 */
public final class WaitingCommands {

    /** How long a client refused for timing should wait before it tries again. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final int max;
    private final Duration maxWait;
    private final TimerScheduler<ProcessMessage> timers;

    /** Commands in the stash now. */
    private int waiting;
    /** The next this many commands handed back are refused with {@link #refusal}. */
    private int refusing;

    private RuntimeException refusal;

    WaitingCommands(int max, Duration maxWait, TimerScheduler<ProcessMessage> timers) {
        this.max = max;
        this.maxWait = maxWait;
        this.timers = timers;
    }

    /** Whether no command waits: one that needs no process may then apply at once without passing any. */
    public boolean none() {
        return waiting == 0;
    }

    /** Whether the command at hand was handed back to be refused; if so, it is counted off. */
    boolean refusingNext() {
        if (refusing == 0) {
            return false;
        }
        refusing--;
        return true;
    }

    RuntimeException refusal() {
        return refusal;
    }

    /** Whether one more command may wait; if so it is counted, and the first one starts the clock. */
    boolean admit() {
        if (waiting >= max) {
            return false;
        }
        if (waiting++ == 0) {
            timers.startSingleTimer(WaitExpired.INSTANCE, maxWait);
        }
        return true;
    }

    ProcessNotReady full() {
        return new ProcessNotReady(
                max + " commands are already waiting for the process to start; send this one once it has", RETRY_AFTER);
    }

    /** The process is there (or the state changed): every waiting command is handed back, in order. */
    void released() {
        waiting = 0;
        refusing = 0;
        timers.cancel(WaitExpired.INSTANCE);
    }

    /**
     * The waiting commands are handed back to be refused with {@code why}, when the state they come back
     * to still has no process (in any other state they meet that state's own answer).
     */
    void refuseAll(RuntimeException why, boolean stillWaiting) {
        refusing = stillWaiting ? waiting : 0;
        refusal = why;
        waiting = 0;
        timers.cancel(WaitExpired.INSTANCE);
    }

    /** The wait is over: everything waiting is refused for timing. */
    void expired() {
        refuseAll(
                new ProcessNotReady(
                        "the process did not start within " + maxWait.toMillis() + " ms; nothing was applied",
                        RETRY_AFTER),
                true);
    }
}
