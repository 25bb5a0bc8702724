package io.kaged.daemon.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.daemon.serve.TestDaemon;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Resource limits through the real daemon, on both engines. Whether this host delegates cgroup controllers
 * (v2, or v1 hierarchies) is probed here on its own, by reading the kernel's files, not asked of kaged: where
 * it does, the limits must be applied and the ones a run runs into recorded; where it does not, each attempt
 * must record the skip and why.
 */
class ResourceLimitsApiTest extends SandboxDaemonBase {

    ResourceLimitsApiTest() {
        super("limits-test-");
    }

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Whether this process's cgroup v2 offers memory and pids and can be written, or else its cgroups in the
     * v1 memory and pids hierarchies can: the kernel's own answer, read without kaged's code.
     */
    static boolean hostDelegatesLimits() throws Exception {
        return v2Delegates() || v1Delegates();
    }

    private static boolean v1Delegates() throws Exception {
        java.util.Map<String, Path> mounts = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
            String[] halves = line.split(" - ", 2);
            if (halves.length == 2 && halves[1].startsWith("cgroup ")) {
                for (String option : halves[1].split(" ")[2].split(",")) {
                    mounts.put(option, Path.of(halves[0].split(" ")[4]));
                }
            }
        }
        for (String controller : List.of("memory", "pids")) {
            String own = Files.readAllLines(Path.of("/proc/self/cgroup")).stream()
                    .map(l -> l.split(":", 3))
                    .filter(f -> f.length == 3 && List.of(f[1].split(",")).contains(controller))
                    .map(f -> f[2])
                    .findFirst()
                    .orElse(null);
            if (!mounts.containsKey(controller)
                    || own == null
                    || !Files.isWritable(Path.of(mounts.get(controller) + own))) {
                return false;
            }
        }
        return true;
    }

    private static boolean v2Delegates() throws Exception {
        Path mount = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
            String[] halves = line.split(" - ", 2);
            if (halves.length == 2 && halves[1].startsWith("cgroup2 ")) {
                mount = Path.of(halves[0].split(" ")[4]);
            }
        }
        String own = Files.readAllLines(Path.of("/proc/self/cgroup")).stream()
                .filter(l -> l.startsWith("0::"))
                .map(l -> l.substring(3))
                .findFirst()
                .orElse(null);
        if (mount == null || own == null) {
            return false;
        }
        Path dir = Path.of(mount + own);
        List<String> offered = List.of(
                Files.readString(dir.resolve("cgroup.controllers")).trim().split("\\s+"));
        return offered.contains("memory") && offered.contains("pids") && Files.isWritable(dir);
    }

    private String dispatch(String script, Map<String, Object> limits) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("command", List.of("/bin/sh", "-c", script));
        body.put("cwd", workspace.toString());
        body.put("sandbox", Map.of("limits", limits));
        return kaged.json("POST", "/v1/runs", JSON.writeValueAsString(body), 201)
                .get("id")
                .asText();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void limitsAreAppliedWhereTheHostDelegatesThemAndTheirSkipIsRecordedWhereNot(TestEngine engine) throws Exception {
        boolean delegated = hostDelegatesLimits();
        System.out.println("cgroup limits delegated on this host: " + delegated);
        kaged = new TestDaemon(engine, home, "");
        String id = dispatch("echo ran", Map.of("memory", "256M", "cpu", 0.5, "pids", 64));
        kaged.awaitState(id, "succeeded");
        assertEquals(
                "ran\n",
                kaged.call("GET", "/v1/runs/" + id + "/output?stream=stdout", null)
                        .body());
        String events = events(id);
        assertTrue(events.contains("SandboxApplied"), "the sandbox is still applied: " + events);
        String info = kaged.json("GET", "/v1/info", null, 200).get("limits").asText();
        assertTrue(info.startsWith(delegated ? "cgroup v" : "unavailable: "), info);
        if (delegated) {
            assertTrue(events.contains("LimitsApplied") && !events.contains("LimitsSkipped"), events);
            JsonNode rows = audit("sandbox.limits-applied", id);
            assertEquals(1, rows.size(), rows.toString());
            assertTrue(rows.get(0).get("detail").asText().contains("memory 256M, cpu 0.5, pids 64"), rows.toString());
        } else {
            assertTrue(events.contains("LimitsSkipped") && !events.contains("LimitsApplied"), events);
            JsonNode rows = audit("sandbox.limits-skipped", id);
            assertEquals(1, rows.size(), rows.toString());
            String detail = rows.get(0).get("detail").asText();
            System.out.println("skipped: " + detail);
            assertTrue(detail.startsWith("attempt 1 without memory 256M, cpu 0.5, pids 64: "), detail);
            assertTrue(detail.contains("cgroup"), "the reason names what is missing: " + detail);
        }

        // a session's process too
        JsonNode session = kaged.json(
                "POST",
                "/v1/sessions",
                JSON.writeValueAsString(Map.of(
                        "command", List.of("/bin/sh", "-c", "echo hi; sleep 30"),
                        "cwd", workspace.toString(),
                        "sandbox", Map.of("limits", Map.of("pids", 32)))),
                201);
        String sid = session.get("id").asText();
        String kind = delegated ? "sandbox.limits-applied" : "sandbox.limits-skipped";
        Eventually.waitFor(
                WAIT, "the session's limits are audited", () -> audit(kind, sid).size() == 1);
        kaged.call("DELETE", "/v1/sessions/" + sid, null);
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void theLimitsARunRunsIntoAreRecordedWhereTheHostDelegatesThem(TestEngine engine) throws Exception {
        boolean delegated = hostDelegatesLimits();
        kaged = new TestDaemon(engine, home, "");
        // 40 sleeping children under a limit of 16 processes: forks are refused
        String forks = dispatch("for i in $(seq 40); do sleep 2 & done; wait; exit 0", Map.of("pids", 16));
        // a line that never ends, held whole in memory by tail, under a limit of 16M: the kernel kills it
        String memory = dispatch("head -c 64M /dev/zero | tail -n 1 >/dev/null", Map.of("memory", "16M"));
        // the shell dies of a refused fork (dash exits 2), or succeeds where nothing limits it
        for (String id : List.of(forks, memory)) {
            Eventually.waitFor(WAIT, "run " + id + " ends", () -> {
                String state = kaged.json("GET", "/v1/runs/" + id, null, 200)
                        .get("state")
                        .asText();
                return state.equals("succeeded") || state.equals("failed");
            });
        }
        if (!delegated) {
            assertEquals(
                    "succeeded",
                    kaged.json("GET", "/v1/runs/" + forks, null, 200)
                            .get("state")
                            .asText());
        }
        if (delegated) {
            assertTrue(events(forks).contains("LimitReached") && events(forks).contains("\"pids\""), events(forks));
            assertEquals(1, audit("sandbox.limit-reached", forks).size());
            assertTrue(
                    events(memory).contains("LimitReached") && events(memory).contains("\"memory\""), events(memory));
            JsonNode rows = audit("sandbox.limit-reached", memory);
            assertEquals(1, rows.size(), rows.toString());
            assertTrue(rows.get(0).get("detail").asText().contains("killed (OOM)"), rows.toString());
        } else {
            // nothing was limited, so nothing was reached; each attempt says why
            for (String id : List.of(forks, memory)) {
                assertTrue(!events(id).contains("LimitReached") && events(id).contains("LimitsSkipped"), events(id));
                assertEquals(0, audit("sandbox.limit-reached", id).size());
                assertEquals(1, audit("sandbox.limits-skipped", id).size());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void malformedLimitsAreRefusedWithA400(TestEngine engine) throws Exception {
        kaged = new TestDaemon(engine, home, "");
        for (Map<String, Object> limits : List.of(
                Map.<String, Object>of("memory", "lots"),
                Map.<String, Object>of("memory", "512"),
                Map.<String, Object>of("cpu", 0),
                Map.<String, Object>of("pids", 0),
                Map.<String, Object>of("pids", 5_000_000),
                Map.<String, Object>of("swap", "1G"))) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("command", List.of("/bin/true"));
            body.put("sandbox", Map.of("limits", limits));
            JsonNode problem = kaged.json("POST", "/v1/runs", JSON.writeValueAsString(body), 400);
            assertTrue(
                    problem.get("detail").asText().contains("limits")
                            || problem.toString().contains("swap"),
                    problem.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aProjectsLimitsApplyToItsSandboxedRunsAndSessionsThatGiveNone(TestEngine engine) throws Exception {
        boolean delegated = hostDelegatesLimits();
        String outcome = delegated ? "sandbox.limits-applied" : "sandbox.limits-skipped";
        kaged = new TestDaemon(engine, home, "");
        kaged.json(
                "POST",
                "/v1/projects",
                JSON.writeValueAsString(
                        Map.of("name", "capped", "config", Map.of("sandbox", Map.of("limits", Map.of("pids", 48))))),
                201);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("command", List.of("/bin/sh", "-c", "echo ran"));
        body.put("cwd", workspace.toString());
        body.put("project", "capped");
        body.put("sandbox", Map.of());
        String byProject = kaged.json("POST", "/v1/runs", JSON.writeValueAsString(body), 201)
                .get("id")
                .asText();
        body.put("sandbox", Map.of("limits", Map.of("memory", "64M")));
        String own = kaged.json("POST", "/v1/runs", JSON.writeValueAsString(body), 201)
                .get("id")
                .asText();
        body.remove("sandbox");
        String unsandboxed = kaged.json("POST", "/v1/runs", JSON.writeValueAsString(body), 201)
                .get("id")
                .asText();
        for (String id : List.of(byProject, own, unsandboxed)) {
            kaged.awaitState(id, "succeeded");
        }
        JsonNode rows = audit(outcome, byProject);
        assertEquals(1, rows.size(), rows.toString());
        String limitsAt = delegated ? "attempt 1: " : "attempt 1 without ";
        assertTrue(rows.get(0).get("detail").asText().startsWith(limitsAt + "pids 48"), rows.toString());
        String ownDetail = audit(outcome, own).get(0).get("detail").asText();
        assertTrue(
                ownDetail.startsWith(limitsAt + "memory 64M" + (delegated ? "" : ":")),
                "its own limits win: " + ownDetail);
        assertEquals(0, audit(outcome, unsandboxed).size(), "no sandbox, no limits");

        JsonNode session = kaged.json(
                "POST",
                "/v1/sessions",
                JSON.writeValueAsString(Map.of(
                        "command", List.of("/bin/sh", "-c", "sleep 30"),
                        "cwd", workspace.toString(),
                        "project", "capped",
                        "sandbox", Map.of())),
                201);
        String sid = session.get("id").asText();
        Eventually.waitFor(WAIT, "the session's limits are the project's", () -> {
            JsonNode r = audit(outcome, sid);
            return r.size() == 1
                    && r.get(0).get("detail").asText().startsWith(delegated ? "pids 48" : "without pids 48:");
        });
        kaged.call("DELETE", "/v1/sessions/" + sid, null);

        // limits in a project's config that cannot be applied refuse the dispatch, naming the project
        kaged.json(
                "PUT",
                "/v1/projects/capped/config",
                JSON.writeValueAsString(Map.of("config", Map.of("sandbox", Map.of("limits", Map.of("pids", 0))))),
                200);
        body.put("sandbox", Map.of());
        JsonNode refused = kaged.json("POST", "/v1/runs", JSON.writeValueAsString(body), 400);
        assertTrue(
                refused.get("detail").asText().startsWith("Project capped's config has sandbox.limits"),
                refused.toString());
    }

    private String cli(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cl = io.kaged.daemon.cli.Cli.commandLine(kaged.env());
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(new java.io.StringWriter(), true));
        assertEquals(0, cl.execute(args), String.join(" ", args) + " -> " + out);
        return out.toString().trim();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void theCliAsksForLimitsAndForASessionsWorkspace(TestEngine engine) throws Exception {
        boolean delegated = hostDelegatesLimits();
        kaged = new TestDaemon(engine, home, "");
        String run = cli(
                "run",
                "start",
                "--wait",
                "--memory",
                "64M",
                "--cpus",
                "0.5",
                "--pids",
                "32",
                "--cwd",
                workspace.toString(),
                "--",
                "/bin/true");
        JsonNode rows = audit(delegated ? "sandbox.limits-applied" : "sandbox.limits-skipped", run);
        assertEquals(1, rows.size(), rows.toString());
        assertTrue(rows.get(0).get("detail").asText().contains("memory 64M, cpu 0.5, pids 32"), rows.toString());
        assertEquals(1, audit("sandbox.applied", run).size(), "a limit implies the sandbox");
        String history = cli("run", "show", run, "--history");
        assertTrue(
                history.contains(delegated ? "LimitsApplied" : "LimitsSkipped")
                        && history.contains(
                                "attempt 1" + (delegated ? ": " : " without ") + "memory 64M, cpu 0.5, pids 32"),
                history);

        String session = cli("session", "new", "--workspace", "--cwd", workspace.toString(), "--", "sleep", "30");
        Eventually.waitFor(WAIT, "the session runs", () -> kaged.json("GET", "/v1/sessions/" + session, null, 200)
                .get("state")
                .asText()
                .equals("running"));
        kaged.json("POST", "/v1/sessions/" + session + "/pause", null, 200);
        String cp = kaged.json("GET", "/v1/sessions/" + session + "/checkpoints", null, 200)
                .get("items")
                .get(0)
                .get("id")
                .asText();
        Eventually.waitFor(
                WAIT,
                "the pause recorded the workspace",
                () -> kaged.call("GET", "/v1/sessions/" + session + "/checkpoints/" + cp + "/diff", null)
                                .statusCode()
                        == 200);
        assertEquals("No changes since checkpoint " + cp + ".", cli("session", "diff", session));
        Files.writeString(workspace.resolve("new.txt"), "new\n");
        assertEquals("A new.txt", cli("session", "diff", session, cp));
        kaged.call("DELETE", "/v1/sessions/" + session, null);
    }
}
