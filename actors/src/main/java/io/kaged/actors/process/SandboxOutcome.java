package io.kaged.actors.process;

/** What became of the sandbox a process asked for, as its launcher reports it with the started process. */
public sealed interface SandboxOutcome {

    /** The process runs in the sandbox; {@code profile} says what it may reach, for a person. */
    record Applied(String profile) implements SandboxOutcome {}

    /** The sandbox could not be set up and the spec allowed running without one: it runs unsandboxed. */
    record Skipped(String reason) implements SandboxOutcome {}
}
