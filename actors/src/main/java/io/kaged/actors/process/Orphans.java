package io.kaged.actors.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Processes a killed daemon left behind. A run's process and everything it starts inherit
 * {@code KAGED_RUN_ID}, a session's {@code KAGED_SESSION_ID}, so that variable finds them even after the
 * group leader is gone, the pid was reused by someone else, or the process ignored the hangup its closed
 * terminal sent (as everything started under {@code nohup} does).
 */
public final class Orphans {

    /** The variable a run's processes carry. */
    public static final String RUN = "KAGED_RUN_ID";

    /** The variable a session's processes carry. */
    public static final String SESSION = "KAGED_SESSION_ID";

    private static final Path PROC = Path.of("/proc");

    private Orphans() {}

    /**
     * Kills every process of this user whose environment holds {@code variable=id}, with its process
     * group, and waits up to {@code wait} for them to be gone.
     *
     * @param leaderPid the pid recorded when the attempt started, tried first and killed as a group
     * @param variable {@link #RUN} or {@link #SESSION}
     * @return how many processes were found
     */
    public static int reap(long leaderPid, String variable, String id, Duration wait) {
        byte[] marker = (variable + "=" + id).getBytes(StandardCharsets.UTF_8);
        List<Long> found = carrying(marker);
        if (found.isEmpty()) {
            return 0;
        }
        if (found.contains(leaderPid)) {
            Signals.sendToGroup(leaderPid, Signal.KILL);
        }
        found.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        long deadline = System.nanoTime() + wait.toNanos();
        while (found.stream().anyMatch(Orphans::running) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return found.size();
    }

    private static List<Long> carrying(byte[] marker) {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(PROC)) {
            entries.map(p -> p.getFileName().toString())
                    .filter(name -> name.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong)
                    .filter(pid -> pid != ProcessHandle.current().pid() && holds(pid, marker))
                    .forEach(pids::add);
        } catch (IOException e) {
            // no /proc: nothing can be found, and nothing is killed by guesswork
        }
        return pids;
    }

    /** Whether the process's environment has exactly this NAME=value entry. */
    private static boolean holds(long pid, byte[] marker) {
        byte[] env;
        try {
            env = Files.readAllBytes(PROC.resolve(pid + "/environ"));
        } catch (IOException | SecurityException e) {
            return false; // gone, or another user's
        }
        int start = 0;
        for (int i = 0; i <= env.length; i++) {
            if (i == env.length || env[i] == 0) {
                if (i - start == marker.length && java.util.Arrays.equals(env, start, i, marker, 0, marker.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    /** Alive and not a zombie waiting for its new parent to reap it. */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(pid + "/stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }
}
