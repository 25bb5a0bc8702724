package io.kaged.actors.process;

/**
 * A started process without a terminal, as runs have: nothing the actor writes or resizes reaches it (its
 * stdin, if still open, belongs to whoever started it), and signals go to its process group.
 */
public interface PipedProcess extends RunningProcess {

    @Override
    default void write(byte[] data) {}

    @Override
    default void resize(int cols, int rows) {}

    @Override
    default void signal(Signal signal) {
        Signals.sendToGroup(pid(), signal);
    }
}
