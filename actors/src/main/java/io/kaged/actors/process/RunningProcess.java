package io.kaged.actors.process;

/**
 * A started child process as an actor sees it. Every method returns quickly: writes go to the pty's
 * buffer, signals are sent with kill(2) semantics to the whole process group.
 */
public interface RunningProcess {

    long pid();

    void write(byte[] data);

    void resize(int cols, int rows);

    /** Sends {@code signal} to the process group, so a shell's children stop and resume with it. */
    void signal(Signal signal);

    /** What became of the sandbox the process asked for; null when it asked for none. */
    default SandboxOutcome sandbox() {
        return null;
    }

    /** What became of the resource limits the process asked for; null when it asked for none. */
    default LimitsOutcome limits() {
        return null;
    }

    /** The limits its process tree ran into, known once it has ended (its exit is reported after). */
    default java.util.List<LimitHit> limitsHit() {
        return java.util.List.of();
    }
}
