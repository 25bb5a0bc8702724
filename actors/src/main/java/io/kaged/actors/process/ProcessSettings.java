package io.kaged.actors.process;

import java.time.Duration;

/**
 * What the process core of a run or a session is bounded by, read from {@code kaged.runs} or {@code
 * kaged.sessions}.
 *
 * @param flushBytes output is recorded in batches of at most this, and as soon as this much waits
 * @param flushInterval ... or this long after a batch's first byte
 * @param maxUnrecordedBytes the readers wait while this much output waits to be taken
 * @param killGrace after asking a process to end, how long before SIGKILL
 * @param maxWaitingCommands commands that need the process wait for it, at most this many ...
 * @param maxCommandWait ... and at most this long (ADR-0057)
 */
public record ProcessSettings(
        int flushBytes,
        Duration flushInterval,
        long maxUnrecordedBytes,
        Duration killGrace,
        int maxWaitingCommands,
        Duration maxCommandWait) {}
