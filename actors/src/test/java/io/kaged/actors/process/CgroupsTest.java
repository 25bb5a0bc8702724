package io.kaged.actors.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
}
