package io.kaged.actors.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of the cgroup probe that read files, and the limits' forms, off the kernel. */
class CgroupsTest {

    @TempDir
    Path dir;

    @Test
    void theCgroup2MountAndTheDaemonsCgroupAreReadFromProc() throws Exception {
        Path mountinfo = dir.resolve("mountinfo");
        Files.writeString(
                mountinfo,
                "30 25 0:26 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory\n"
                        + "31 25 0:27 / /sys/fs/cgroup/unified rw,relatime shared:10 - cgroup2 cgroup2 rw\n");
        assertEquals(Path.of("/sys/fs/cgroup/unified"), Cgroups.cgroup2Mount(mountinfo));
        Files.writeString(mountinfo, "30 25 0:26 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");
        assertNull(Cgroups.cgroup2Mount(mountinfo));

        Path cgroup = dir.resolve("cgroup");
        Files.writeString(cgroup, "4:memory:/docker/abc\n0::/system.slice/kaged.service\n");
        assertEquals("/system.slice/kaged.service", Cgroups.ownCgroup(cgroup));
        Files.writeString(cgroup, "4:memory:/docker/abc\n");
        assertNull(Cgroups.ownCgroup(cgroup));
    }

    @Test
    void aHostWithoutTheControllersIsRefusedWithWhatItOffers() throws Exception {
        assertTrue(Cgroups.probe(null, "/", 1).problem().contains("not mounted"));
        assertTrue(Cgroups.probe(dir, null, 1).problem().contains("no cgroup v2"));
        Files.writeString(dir.resolve("cgroup.controllers"), "hugetlb\n");
        Cgroups.Probe p = Cgroups.probe(dir, "/", 1);
        assertEquals("kaged's cgroup " + dir + " offers none of cpu, memory, pids (it offers: hugetlb)", p.problem());
        assertNull(p.attempts());
    }

    @Test
    void anAttemptWithoutTheControllersItNeedsIsSkippedWithTheReason() {
        Cgroups off = Cgroups.host(false, Runnable::run);
        List<String> why = new ArrayList<>();
        assertNull(off.open(new SandboxLimits("64M", null, null), why::add));
        assertEquals(List.of("cgroup limits are turned off here (kaged.sandbox.cgroups = false)"), why);
        assertTrue(off.status().startsWith("unavailable: "));
    }

    @Test
    void limitsAreCheckedAndWrittenInTheKernelsUnits() {
        SandboxLimits l = new SandboxLimits("512M", 0.5, 256);
        assertNull(l.problem());
        assertEquals(512L << 20, l.memoryBytes());
        assertEquals("50000 100000", l.cpuMax());
        assertEquals("memory 512M, cpu 0.5, pids 256", l.describe());
        assertEquals(List.of("cpu", "memory", "pids"), l.controllers());
        assertEquals("cpu 2", new SandboxLimits(null, 2.0, null).describe());
        assertEquals(2L << 30, new SandboxLimits("2g", null, null).memoryBytes());
        for (SandboxLimits bad : List.of(
                new SandboxLimits("512", null, null),
                new SandboxLimits("1.5G", null, null),
                new SandboxLimits("99999999999999999T", null, null),
                new SandboxLimits(null, 0.0, null),
                new SandboxLimits(null, Double.NaN, null),
                new SandboxLimits(null, null, 0))) {
            assertTrue(bad.problem() != null && bad.problem().startsWith("Field 'sandbox.limits."), bad.toString());
        }
    }

    @Test
    void theProcessJoinsItsCgroupBeforeItBecomesTheCommand() throws Exception {
        Path cg = Files.createDirectories(dir.resolve("attempt-x"));
        CgroupAttempt attempt = new CgroupAttempt(cg, removal -> {});
        List<String> argv = attempt.wrap(List.of("/bin/sh", "-c", "echo $$"));
        Process p = new ProcessBuilder(argv).start();
        String printed = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor());
        // the pid written to cgroup.procs is the command's own: the shell became it
        assertEquals(printed, Files.readString(cg.resolve("cgroup.procs")).trim());
        assertEquals(Long.toString(p.pid()), printed);

        Files.writeString(cg.resolve("memory.events"), "low 0\nhigh 0\nmax 7\noom 2\noom_kill 2\n");
        Files.writeString(cg.resolve("pids.events"), "max 3\n");
        attempt.close();
        assertEquals(List.of(new LimitHit("memory", 2), new LimitHit("pids", 3)), attempt.hits());
    }

    @Test
    void cgroupV1HierarchiesAreFoundByTheirOptionsAndKagedsPlaceInEach() throws Exception {
        Path mountinfo = dir.resolve("mountinfo");
        Path cpu = Files.createDirectories(dir.resolve("cpu"));
        Path memory = Files.createDirectories(dir.resolve("memory"));
        Path pids = Files.createDirectories(dir.resolve("pids"));
        Files.writeString(
                mountinfo,
                "30 25 0:26 / " + cpu + " rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
                        + "31 25 0:27 / " + memory + " rw,relatime - cgroup cgroup rw,memory\n"
                        + "32 25 0:28 / " + pids + " rw,relatime - cgroup cgroup rw,pids\n"
                        + "33 25 0:29 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n");
        Path cgroup = dir.resolve("cgroup");
        Files.writeString(cgroup, "8:pids:/\n4:memory:/box/one\n2:cpu,cpuacct:/\n0::/\n");
        Files.createDirectories(memory.resolve("box/one"));
        // an empty leftover of an earlier daemon is removed; one still in use is not
        Files.createDirectories(memory.resolve("box/one/kaged.attempts/attempt-old"));

        Map<String, Path> attempts = CgroupsV1.attempts(mountinfo, cgroup, List.of("cpu", "memory", "pids"));

        assertEquals(
                Map.of(
                        "cpu", cpu.resolve("kaged.attempts"),
                        "memory", memory.resolve("box/one/kaged.attempts"),
                        "pids", pids.resolve("kaged.attempts")),
                attempts);
        assertTrue(Files.isDirectory(memory.resolve("box/one/kaged.attempts")));
        assertTrue(Files.notExists(memory.resolve("box/one/kaged.attempts/attempt-old")));
        Cgroups.Probe p = Cgroups.orV1(Cgroups.Probe.refused("v2 offers none"), mountinfo, cgroup);
        assertNull(p.problem());
        assertEquals("cgroup v1", p.version());

        Files.writeString(cgroup, "0::/\n");
        Cgroups.Probe none = Cgroups.orV1(Cgroups.Probe.refused("v2 offers none"), mountinfo, cgroup);
        assertTrue(none.problem().startsWith("v2 offers none; and no cgroup v1 hierarchy"), none.problem());
    }

    @Test
    void aV1AttemptWritesV1sFilesJoinsEachHierarchyAndReadsV1sCounters() throws Exception {
        Map<String, Path> dirs = new java.util.LinkedHashMap<>();
        for (String controller : List.of("memory", "cpu", "pids")) {
            dirs.put(controller, Files.createDirectories(dir.resolve(controller + "/attempt-x")));
        }
        Files.writeString(dirs.get("memory").resolve("memory.memsw.limit_in_bytes"), "");
        CgroupAttempt attempt = CgroupAttempt.v1(dirs, removal -> {});
        attempt.limit(new SandboxLimits("64M", 0.5, 32));
        assertEquals(
                Long.toString(64L << 20), Files.readString(dirs.get("memory").resolve("memory.limit_in_bytes")));
        assertEquals(
                Long.toString(64L << 20), Files.readString(dirs.get("memory").resolve("memory.memsw.limit_in_bytes")));
        assertEquals("100000", Files.readString(dirs.get("cpu").resolve("cpu.cfs_period_us")));
        assertEquals("50000", Files.readString(dirs.get("cpu").resolve("cpu.cfs_quota_us")));
        assertEquals("32", Files.readString(dirs.get("pids").resolve("pids.max")));

        Process p = new ProcessBuilder(attempt.wrap(List.of("/bin/sh", "-c", "echo $$"))).start();
        String printed = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor());
        for (Path d : dirs.values()) {
            assertEquals(printed, Files.readString(d.resolve("cgroup.procs")).trim(), "joined " + d);
        }

        Files.writeString(
                dirs.get("memory").resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
        Files.writeString(dirs.get("pids").resolve("pids.events"), "max 4\n");
        attempt.close();
        assertEquals(List.of(new LimitHit("memory", 1), new LimitHit("pids", 4)), attempt.hits());
        assertTrue(attempt.where().startsWith("cpu " + dirs.get("cpu")), attempt.where());
    }

    @Test
    void aJoinThatFailsStopsTheAttemptBeforeTheCommand() throws Exception {
        CgroupAttempt attempt = CgroupAttempt.v1(
                Map.of("pids", dir.resolve("no-such-cgroup"), "memory", Files.createDirectories(dir.resolve("m"))),
                removal -> {});
        Process p = new ProcessBuilder(attempt.wrap(List.of("/bin/sh", "-c", "echo ran")))
                .redirectErrorStream(true)
                .start();
        String printed = new String(p.getInputStream().readAllBytes());
        assertEquals(125, p.waitFor());
        assertTrue(printed.contains("kaged: cannot join the cgroup") && !printed.contains("ran"), printed);
    }
}
