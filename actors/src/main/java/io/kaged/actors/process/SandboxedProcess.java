package io.kaged.actors.process;

/** A started process with what became of its sandbox; everything else is the launcher's process's. */
public record SandboxedProcess(RunningProcess process, SandboxOutcome outcome) implements RunningProcess {

    /** {@code process} with its {@code outcome}, or itself when it asked for no sandbox. */
    public static RunningProcess of(RunningProcess process, SandboxOutcome outcome) {
        return outcome == null ? process : new SandboxedProcess(process, outcome);
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
}
