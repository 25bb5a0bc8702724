package io.kaged.actors.process;

import java.util.List;

/**
 * A started process with what became of its sandbox and its limits; everything else is the launcher's
 * process's.
 *
 * @param cgroup the attempt's cgroup, whose limits hit are read when the process ends; null for none
 */
public record SandboxedProcess(
        RunningProcess process, SandboxOutcome outcome, LimitsOutcome limitsOutcome, CgroupAttempt cgroup)
        implements RunningProcess {

    /** {@code process} with its {@code outcome}, or itself when it asked for no sandbox. */
    public static RunningProcess of(RunningProcess process, SandboxOutcome outcome) {
        return outcome == null ? process : new SandboxedProcess(process, outcome, null, null);
    }

    /** The launcher's own process under any confinement reports around it. */
    public static RunningProcess unwrap(RunningProcess process) {
        return process instanceof SandboxedProcess s ? unwrap(s.process()) : process;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public void write(byte[] data) {
        process.write(data);
    }

    @Override
    public void resize(int cols, int rows) {
        process.resize(cols, rows);
    }

    @Override
    public void signal(Signal signal) {
        process.signal(signal);
    }

    @Override
    public SandboxOutcome sandbox() {
        return outcome;
    }

    @Override
    public LimitsOutcome limits() {
        return limitsOutcome;
    }

    @Override
    public List<LimitHit> limitsHit() {
        return cgroup == null ? List.of() : cgroup.hits();
    }
}
