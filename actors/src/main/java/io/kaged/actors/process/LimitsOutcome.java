package io.kaged.actors.process;

/** What became of the resource limits a process asked for, reported with the started process. */
public sealed interface LimitsOutcome {

    /** The process tree runs in its own cgroup with {@code limits} (as {@link SandboxLimits#describe()}). */
    record Applied(String limits, String cgroup) implements LimitsOutcome {}

    /** The host does not delegate what the limits need: the process runs without them. */
    record Skipped(String limits, String reason) implements LimitsOutcome {}
}
