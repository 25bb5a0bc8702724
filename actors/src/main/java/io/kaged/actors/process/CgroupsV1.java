package io.kaged.actors.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cgroup v1 hierarchies of a host that mounts its controllers one by one (a "legacy" or "hybrid" host:
 * older systemd, Docker with cgroupfs, many CI containers), where cgroup v2 has none of them. Each of cpu,
 * memory and pids is its own tree; kaged's cgroup in each is read from {@code /proc/self/cgroup}, and its
 * attempts get a cgroup in each tree under {@code <kaged's cgroup>/kaged.attempts/}. v1 has no rule against
 * processes in inner cgroups, so nothing of the daemon's own placement changes.
 */
final class CgroupsV1 {

    private CgroupsV1() {}

    /**
     * The attempts' folder of each controller whose v1 hierarchy is mounted and lets kaged create cgroups
     * below its own, created as it is probed; empty when none does. {@code mountinfo} and {@code cgroupFile}
     * are the kernel's files ({@code /proc/self/...}).
     */
    static Map<String, Path> attempts(Path mountinfo, Path cgroupFile, List<String> wanted) throws IOException {
        Map<String, Path> mounts = mounts(mountinfo);
        Map<String, String> own = ownCgroups(cgroupFile);
        Map<String, Path> found = new LinkedHashMap<>();
        for (String controller : wanted) {
            Path mount = mounts.get(controller);
            String path = own.get(controller);
            if (mount == null || path == null || path.endsWith(" (deleted)")) {
                continue;
            }
            Path attempts = (path.equals("/") ? mount : mount.resolve(path.substring(1))).resolve(Cgroups.ATTEMPTS);
            try {
                Files.createDirectories(attempts);
            } catch (IOException e) {
                continue; // not ours to write: this controller is not delegated
            }
            removeEmptyLeftovers(attempts);
            found.put(controller, attempts);
        }
        return found;
    }

    /** Where each v1 controller's hierarchy is mounted ({@code cgroup} mounts, by their options). */
    static Map<String, Path> mounts(Path mountinfo) throws IOException {
        Map<String, Path> mounts = new LinkedHashMap<>();
        for (Cgroups.Mount m : Cgroups.mounts(mountinfo)) {
            if (m.type().equals("cgroup")) {
                m.options().forEach(option -> mounts.putIfAbsent(option, m.at()));
            }
        }
        return mounts;
    }

    /** kaged's cgroup in each v1 hierarchy: {@code N:cpu,cpuacct:/path} lines, by controller. */
    static Map<String, String> ownCgroups(Path cgroupFile) throws IOException {
        Map<String, String> own = new LinkedHashMap<>();
        for (String line : Files.readAllLines(cgroupFile, StandardCharsets.UTF_8)) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3 && !parts[1].isEmpty()) {
                for (String controller : parts[1].split(",")) {
                    own.put(controller, parts[2].trim());
                }
            }
        }
        return own;
    }

    /**
     * Attempt cgroups an earlier daemon left, if they are empty. Other daemons of the host (with other homes)
     * share these folders on v1, so a cgroup that still holds processes is left alone: a killed daemon's
     * processes are reaped by the next one through their environment ({@link Orphans}).
     */
    private static void removeEmptyLeftovers(Path attempts) throws IOException {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(attempts, "attempt-*")) {
            for (Path child : children) {
                try {
                    Files.delete(child);
                } catch (IOException busy) {
                    // in use
                }
            }
        }
    }
}
