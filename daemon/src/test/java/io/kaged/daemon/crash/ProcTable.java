package io.kaged.daemon.crash;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The processes of one test found in {@code /proc}: everything its runs and sessions started carries
 * {@code KAGED_CRASH_MARK=<mark>} in its environment (inherited by their children) and the marker
 * {@code kaged-crash-<mark>} in the argv of the command itself. Zombies are left out: they hold no
 * resources and wait only for a parent that is gone.
 */
final class ProcTable {

    static final String ENV = "KAGED_CRASH_MARK";

    private ProcTable() {}

    /** A live process of the test; {@code runId} is its KAGED_RUN_ID, null for a session's. */
    record Proc(long pid, long ppid, long sid, String runId, String cmdline) {
        @Override
        public String toString() {
            return "pid " + pid + " (sid " + sid + (runId == null ? "" : ", run " + runId) + "): " + cmdline;
        }
    }

    static String argvMarker(String mark) {
        return "kaged-crash-" + mark;
    }

    static List<Proc> of(String mark) {
        String envEntry = ENV + "=" + mark;
        String argv = argvMarker(mark);
        List<Proc> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path dir : (Iterable<Path>) entries::iterator) {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(dir.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (fields[0].equals("Z") || fields[0].equals("X")) {
                        continue;
                    }
                    List<String> env = nulSeparated(Files.readAllBytes(dir.resolve("environ")));
                    String cmdline = String.join(" ", nulSeparated(Files.readAllBytes(dir.resolve("cmdline"))));
                    if (!env.contains(envEntry) && !cmdline.contains(argv)) {
                        continue;
                    }
                    String runId = env.stream()
                            .filter(e -> e.startsWith("KAGED_RUN_ID="))
                            .map(e -> e.substring("KAGED_RUN_ID=".length()))
                            .findFirst()
                            .orElse(null);
                    found.add(new Proc(
                            Long.parseLong(name),
                            Long.parseLong(fields[1]),
                            Long.parseLong(fields[3]),
                            runId,
                            cmdline));
                } catch (IOException | RuntimeException gone) {
                    // exited while being read, or another user's
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return found;
    }

    /** SIGKILL to every process of the test: cleanup after the assertions, never part of them. */
    static void killAll(String mark) {
        of(mark).forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly));
    }

    private static List<String> nulSeparated(byte[] bytes) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == 0) {
                if (i > start) {
                    parts.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return parts;
    }
}
