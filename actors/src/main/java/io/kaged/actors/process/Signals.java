package io.kaged.actors.process;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Sends a signal to a process group with the system's {@code kill}: the JDK can only TERM or KILL a single
 * process, while pause and resume need STOP and CONT for the whole group.
 */
public final class Signals {
    private Signals() {}

    public static void sendToGroup(long pgid, Signal signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal.name(), "--", "-" + pgid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill to send " + signal + " to group " + pgid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
