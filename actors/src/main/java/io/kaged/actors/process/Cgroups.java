package io.kaged.actors.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resource limits through cgroup v2, where the host delegates them to kaged. Probed once, at start, on the
 * blocking pool: cgroup2 is mounted, kaged's own cgroup offers the controllers, and its subtree can have
 * them enabled. Attempts then get a child each under {@code <kaged's cgroup>/kaged.attempts/}. A host whose
 * cgroup v2 offers none of the controllers but mounts them as cgroup v1 hierarchies gets them there
 * ({@link CgroupsV1}, ADR-0079).
 *
 * <p>The kernel lets a cgroup hand controllers to its children only while it holds no process itself (the
 * root excepted). A daemon alone in its cgroup (a systemd unit with {@code Delegate=yes}) is moved into a
 * leaf, {@code kaged.daemon}, beside the attempts, as systemd's delegation rules ask; a cgroup shared with
 * other processes is left alone and the limits are skipped with that reason.
 */
public final class Cgroups {

    /**
     * What the probe found: where attempts' cgroups go and the controllers they get, or why there are none. On
     * cgroup v1, {@code attempts} is null and {@code v1} names the attempts' folder of each controller.
     */
    public record Probe(Path attempts, Set<String> controllers, String problem, Map<String, Path> v1) {

        Probe(Path attempts, Set<String> controllers, String problem) {
            this(attempts, controllers, problem, Map.of());
        }

        static Probe refused(String problem) {
            return new Probe(null, Set.of(), problem);
        }

        static Probe v1(Map<String, Path> attempts) {
            return new Probe(null, Set.copyOf(attempts.keySet()), null, Map.copyOf(attempts));
        }

        String version() {
            return v1.isEmpty() ? "cgroup v2" : "cgroup v1";
        }
    }

    static final String ATTEMPTS = "kaged.attempts";
    static final String DAEMON_LEAF = "kaged.daemon";
    private static final List<String> WANTED = List.of("cpu", "memory", "pids");
    private static final Logger log = LoggerFactory.getLogger(Cgroups.class);

    private final CompletableFuture<Probe> probe;
    private final Executor blocking;

    private Cgroups(CompletableFuture<Probe> probe, Executor blocking) {
        this.probe = probe;
        this.blocking = blocking;
    }

    /** This host's cgroups, probed on {@code blocking}; {@code enabled} false never tries them. */
    public static Cgroups host(boolean enabled, Executor blocking) {
        if (!enabled) {
            return new Cgroups(
                    CompletableFuture.completedFuture(
                            Probe.refused("cgroup limits are turned off here (kaged.sandbox.cgroups = false)")),
                    blocking);
        }
        CompletableFuture<Probe> probe = CompletableFuture.supplyAsync(Cgroups::probeHost, blocking);
        probe.thenAccept(p -> {
            if (p.problem() != null) {
                log.info(
                        "Resource limits cannot be applied here: {}. Attempts that ask for them run without.",
                        p.problem());
            } else {
                log.info(
                        "Resource limits through {} under {} ({})",
                        p.version(),
                        p.v1().isEmpty() ? p.attempts() : p.v1().values(),
                        String.join(", ", new java.util.TreeSet<>(p.controllers())));
            }
        });
        return new Cgroups(probe, blocking);
    }

    /** The probe's answer (blocking until there is one). */
    public Probe probe() {
        return probe.join();
    }

    /**
     * For a person, without waiting: "cgroup v2 (cpu, memory, pids)", "cgroup v1 (…)", "unavailable: why", or
     * "being probed".
     */
    public String status() {
        if (!probe.isDone()) {
            return "being probed";
        }
        Probe p = probe.join();
        return p.problem() == null
                ? p.version() + " (" + String.join(", ", new java.util.TreeSet<>(p.controllers())) + ")"
                : "unavailable: " + p.problem();
    }

    /**
     * A new cgroup with {@code limits} for one attempt, or why there is none. Blocking.
     *
     * @return the attempt's cgroup, or null with {@code skipped} told why
     */
    public CgroupAttempt open(SandboxLimits limits, java.util.function.Consumer<String> skipped) {
        Probe p = probe();
        if (p.problem() != null) {
            skipped.accept(p.problem());
            return null;
        }
        List<String> missing = new ArrayList<>(limits.controllers());
        missing.removeAll(p.controllers());
        if (!missing.isEmpty()) {
            skipped.accept("the cgroup " + p.attempts() + " does not have the " + String.join(", ", missing)
                    + " controller" + (missing.size() == 1 ? "" : "s") + " (it has: "
                    + (p.controllers().isEmpty() ? "none" : String.join(", ", p.controllers())) + ")");
            return null;
        }
        String name = "attempt-" + UUID.randomUUID();
        if (!p.v1().isEmpty()) {
            return openV1(p, limits, name, skipped);
        }
        Path dir = p.attempts().resolve(name);
        try {
            Files.createDirectory(dir);
            CgroupAttempt attempt = new CgroupAttempt(dir, blocking);
            attempt.limit(limits);
            return attempt;
        } catch (IOException e) {
            CgroupAttempt.remove(dir);
            skipped.accept("the cgroup " + dir + " could not be set up: " + e.getMessage());
            return null;
        }
    }

    /** The attempt's cgroup in the hierarchy of each controller its limits need. */
    private CgroupAttempt openV1(
            Probe p, SandboxLimits limits, String name, java.util.function.Consumer<String> skipped) {
        Map<String, Path> dirs = new LinkedHashMap<>();
        try {
            for (String controller : limits.controllers()) {
                Path dir = p.v1().get(controller).resolve(name);
                Files.createDirectory(dir);
                dirs.put(controller, dir);
            }
            CgroupAttempt attempt = CgroupAttempt.v1(dirs, blocking);
            attempt.limit(limits);
            return attempt;
        } catch (IOException e) {
            dirs.values().forEach(CgroupAttempt::remove);
            skipped.accept("the cgroups " + dirs.values() + " could not be set up: " + e.getMessage());
            return null;
        }
    }

    private static Probe probeHost() {
        try {
            Path mountinfo = Path.of("/proc/self/mountinfo");
            Path cgroupFile = Path.of("/proc/self/cgroup");
            Probe v2 = probe(
                    cgroup2Mount(mountinfo),
                    ownCgroup(cgroupFile),
                    ProcessHandle.current().pid());
            return v2.problem() == null ? v2 : orV1(v2, mountinfo, cgroupFile);
        } catch (IOException | RuntimeException e) {
            return Probe.refused("cgroups could not be read: " + e);
        }
    }

    /** When cgroup v2 cannot limit: the v1 hierarchies, if the host mounts any of the controllers as v1. */
    static Probe orV1(Probe v2, Path mountinfo, Path cgroupFile) throws IOException {
        Map<String, Path> v1 = CgroupsV1.attempts(mountinfo, cgroupFile, WANTED);
        if (!v1.isEmpty()) {
            return Probe.v1(v1);
        }
        return Probe.refused(v2.problem() + "; and no cgroup v1 hierarchy of cpu, memory or pids lets kaged"
                + " create cgroups below its own");
    }

    /**
     * The probe on a given hierarchy: {@code mount} where cgroup2 is mounted (null: nowhere), {@code own} the
     * daemon's cgroup in it (null: none), {@code pid} the daemon's pid. Sets up {@code kaged.attempts}.
     */
    static Probe probe(Path mount, String own, long pid) {
        if (mount == null) {
            return Probe.refused("cgroup v2 is not mounted (no cgroup2 in /proc/self/mountinfo)");
        }
        if (own == null) {
            return Probe.refused("kaged's process is in no cgroup v2 (no 0:: line in /proc/self/cgroup)");
        }
        Path dir = own.equals("/") ? mount : mount.resolve(own.substring(1));
        try {
            Set<String> offered = words(dir.resolve("cgroup.controllers"));
            Set<String> wanted = new LinkedHashSet<>(WANTED);
            wanted.retainAll(offered);
            if (wanted.isEmpty()) {
                return Probe.refused("kaged's cgroup " + dir + " offers none of cpu, memory, pids (it offers: "
                        + (offered.isEmpty() ? "none" : String.join(", ", offered)) + ")");
            }
            Set<String> enabled = words(dir.resolve("cgroup.subtree_control"));
            if (!enabled.containsAll(wanted)) {
                String why = enable(dir, wanted, pid);
                if (why != null) {
                    return Probe.refused(why);
                }
            }
            Path attempts = dir.resolve(ATTEMPTS);
            Files.createDirectories(attempts);
            removeLeftovers(attempts);
            Set<String> handed = new LinkedHashSet<>(wanted);
            handed.retainAll(words(attempts.resolve("cgroup.controllers")));
            write(attempts.resolve("cgroup.subtree_control"), plus(handed));
            Set<String> controllers = new LinkedHashSet<>(WANTED);
            controllers.retainAll(words(attempts.resolve("cgroup.subtree_control")));
            if (controllers.isEmpty()) {
                return Probe.refused("no controller could be enabled under " + attempts);
            }
            return new Probe(attempts, Set.copyOf(new LinkedHashSet<>(controllers)), null);
        } catch (IOException e) {
            return Probe.refused("kaged's cgroup " + dir + " cannot be delegated to its attempts: " + e);
        }
    }

    /** Enables {@code wanted} for {@code dir}'s children, moving the daemon into a leaf if it is alone there. */
    private static String enable(Path dir, Set<String> wanted, long pid) throws IOException {
        Set<String> procs = words(dir.resolve("cgroup.procs"));
        if (!procs.isEmpty() && !procs.equals(Set.of(Long.toString(pid)))) {
            try {
                write(dir.resolve("cgroup.subtree_control"), plus(wanted));
                return null; // the root cgroup may hold processes and still hand out controllers
            } catch (IOException e) {
                return "kaged's cgroup " + dir + " holds other processes and does not hand " + String.join(", ", wanted)
                        + " to its children (" + e.getMessage() + ")";
            }
        }
        try {
            write(dir.resolve("cgroup.subtree_control"), plus(wanted));
            return null;
        } catch (IOException busy) {
            Path leaf = dir.resolve(DAEMON_LEAF);
            try {
                Files.createDirectories(leaf);
                write(leaf.resolve("cgroup.procs"), Long.toString(pid));
                write(dir.resolve("cgroup.subtree_control"), plus(wanted));
                return null;
            } catch (IOException e) {
                return "kaged's cgroup " + dir + " does not hand " + String.join(", ", wanted) + " to its children ("
                        + e.getMessage() + ")";
            }
        }
    }

    /** Attempt cgroups an earlier daemon left (its attempts are gone with it). */
    private static void removeLeftovers(Path attempts) throws IOException {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(attempts, "attempt-*")) {
            for (Path child : children) {
                CgroupAttempt.remove(child);
            }
        }
    }

    /** A mount of {@code mountinfo}: its file system type, where it is, and its super options. */
    record Mount(String type, Path at, List<String> options) {}

    /** The mounts listed in {@code mountinfo} ({@code /proc/self/mountinfo}'s format). */
    static List<Mount> mounts(Path mountinfo) throws IOException {
        List<Mount> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(mountinfo, StandardCharsets.UTF_8)) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] after = line.substring(dash + 3).split(" ");
            String[] before = line.substring(0, dash).split(" ");
            if (after.length > 0 && before.length > 4) {
                mounts.add(new Mount(
                        after[0],
                        Path.of(before[4].replace("\\040", " ")),
                        after.length > 2 ? List.of(after[2].split(",")) : List.of()));
            }
        }
        return mounts;
    }

    /** The mount point of cgroup2 in {@code mountinfo}, or null. */
    static Path cgroup2Mount(Path mountinfo) throws IOException {
        return mounts(mountinfo).stream()
                .filter(m -> m.type().equals("cgroup2"))
                .map(Mount::at)
                .findFirst()
                .orElse(null);
    }

    /** The daemon's cgroup v2 path ({@code 0::/path}) in {@code cgroupFile}, or null. */
    static String ownCgroup(Path cgroupFile) throws IOException {
        for (String line : Files.readAllLines(cgroupFile, StandardCharsets.UTF_8)) {
            if (line.startsWith("0::")) {
                String path = line.substring(3).trim();
                return path.endsWith(" (deleted)") ? null : path;
            }
        }
        return null;
    }

    static Set<String> words(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        Set<String> words = new LinkedHashSet<>();
        if (!text.isEmpty()) {
            words.addAll(List.of(text.split("\\s+")));
        }
        return words;
    }

    private static String plus(Set<String> controllers) {
        return String.join(" ", controllers.stream().map(c -> "+" + c).toList());
    }

    static void write(Path file, String value) throws IOException {
        // one write(2) per value: cgroupfs takes a value per write, and a failure is that write's error
        Files.writeString(file, value, StandardCharsets.UTF_8);
    }
}
