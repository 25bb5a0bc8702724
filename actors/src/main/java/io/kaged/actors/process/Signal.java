package io.kaged.actors.process;

/** The signals kaged sends to a process group. */
public enum Signal {
    STOP,
    CONT,
    TERM,
    KILL,
    HUP
}
