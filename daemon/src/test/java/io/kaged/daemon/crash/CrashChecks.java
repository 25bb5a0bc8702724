package io.kaged.daemon.crash;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.daemon.crash.Api.RunEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What must hold however the daemon died: nothing acknowledged is lost, every run ends as its policy
 * says, {@code restart: always} sessions come back, and no process outlives the run or session it
 * belongs to. Violations are collected, not thrown at the first one, so that one test run tells every
 * guarantee that broke; {@link #assertNone()} fails with all of them.
 */
final class CrashChecks {

    static final Set<String> FINAL = Set.of("succeeded", "failed", "cancelled", "timed-out", "interrupted");
    /** Longer than the runs' and sessions' kill grace (3 s, 5 s): a process may take that long to go. */
    private static final Duration GRACE = Duration.ofSeconds(6);

    private final Api api;
    private final String mark;
    private final Map<String, List<String>> violations = new LinkedHashMap<>();

    CrashChecks(Api api, String mark) {
        this.api = api;
        this.mark = mark;
    }

    void violation(String guarantee, String detail) {
        violations.computeIfAbsent(guarantee, g -> new ArrayList<>()).add(detail);
    }

    /** Every journal row committed before {@code at} is still there, unchanged. */
    void eventsKept(Map<String, StoreRows.Event> before, Map<String, StoreRows.Event> after, String at) {
        StoreRows.lost(before, after).forEach(e -> violation("committed events kept", at + ": " + e));
    }

    /** Every run and session the daemon acknowledged with a 201 is still there. */
    void acknowledgedKept(Workload load, String at) throws Exception {
        // what was acknowledged before the lists are read: the load goes on meanwhile
        Set<String> acknowledged = new HashSet<>(load.runs.keySet());
        acknowledged.addAll(load.children());
        Set<String> acknowledgedSessions = new HashSet<>(load.sessions.keySet());
        Set<String> runs = ids(api.all("/v1/runs"));
        acknowledged.stream()
                .filter(id -> !runs.contains(id))
                .forEach(id -> violation("acknowledged runs kept", at + ": run " + id + " is gone"));
        Set<String> sessions = ids(api.all("/v1/sessions"));
        acknowledgedSessions.stream()
                .filter(id -> !sessions.contains(id))
                .forEach(id -> violation("acknowledged sessions kept", at + ": session " + id + " is gone"));
    }

    /**
     * Every {@code restart: always} session that was not terminated is running again within {@code limit},
     * with a live process; a session whose terminate was acknowledged stays ended.
     */
    void sessionsBack(Workload load, String at, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        Map<String, String> notBack;
        do {
            notBack = new HashMap<>();
            Set<Long> processes = ProcTable.of(mark).stream()
                    .filter(p -> p.runId() == null)
                    .map(ProcTable.Proc::pid)
                    .collect(Collectors.toSet());
            for (Map.Entry<String, String> s : load.sessions.entrySet()) {
                if (!s.getValue().equals("always") || load.terminated.contains(s.getKey())) {
                    continue;
                }
                JsonNode session = api.get("/v1/sessions/" + s.getKey());
                String state = session.get("state").asText();
                long pid = session.path("pid").asLong(-1);
                if (!state.equals("running") || !processes.contains(pid)) {
                    notBack.put(
                            s.getKey(), state + (state.equals("running") ? " but pid " + pid + " is not alive" : ""));
                }
            }
            if (notBack.isEmpty()) {
                break;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        notBack.forEach((id, state) -> violation(
                "restart: always sessions back",
                at + ": session " + id + " not running after " + limit.toSeconds() + " s: " + state));
        for (String id : load.terminated) {
            String state = api.get("/v1/sessions/" + id).get("state").asText();
            if (state.equals("running") || state.equals("starting")) {
                violation("terminated sessions stay ended", at + ": session " + id + " is " + state + " again");
            }
        }
    }

    /**
     * No process of a finished run, and no session process but the current one of a live session: a
     * process is reported only if it is still there, still orphaned, after the kill grace.
     */
    void noLeftovers(String at) throws Exception {
        Map<Long, String> suspects = leftovers();
        if (suspects.isEmpty()) {
            return;
        }
        Thread.sleep(GRACE.toMillis());
        Map<Long, String> still = leftovers();
        still.keySet().retainAll(suspects.keySet());
        still.values().forEach(p -> violation("no process of a finished run or ended session left", at + ": " + p));
    }

    private Map<Long, String> leftovers() throws Exception {
        Map<String, JsonNode> runs = byId(api.all("/v1/runs"));
        Set<Long> liveSessions = api.all("/v1/sessions").stream()
                .filter(s -> Set.of("running", "paused").contains(s.get("state").asText()))
                .map(s -> s.path("pid").asLong(-1))
                .collect(Collectors.toSet());
        Map<Long, String> found = new HashMap<>();
        for (ProcTable.Proc p : ProcTable.of(mark)) {
            if (p.runId() != null) {
                JsonNode run = runs.get(p.runId());
                String state = run == null ? "unknown" : run.get("state").asText();
                if (run == null || FINAL.contains(state)) {
                    found.put(p.pid(), p + " belongs to a " + state + " run");
                }
            } else if (!liveSessions.contains(p.sid())) {
                found.put(p.pid(), p + " belongs to no live session");
            }
        }
        return found;
    }

    /** Waits until every run the daemon knows has reached a final state; returns them. */
    List<JsonNode> everyRunEnds(Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        List<JsonNode> runs;
        List<JsonNode> live;
        do {
            runs = api.all("/v1/runs");
            live = runs.stream()
                    .filter(r -> !FINAL.contains(r.get("state").asText()))
                    .toList();
            if (live.isEmpty()) {
                return runs;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        live.forEach(r -> violation(
                "every run ends",
                "run " + r.get("id").asText() + " still " + r.get("state").asText() + " " + limit.toSeconds()
                        + " s after the last restart: " + r.get("command")));
        return runs;
    }

    /**
     * Each run's history is whole (events 1..n, the dispatch first) and its end is one its policy allows:
     * {@code interrupted} only once the retry budget is spent, every interruption with retries left
     * followed by a new attempt, any other end the one its command leads to.
     */
    void endedPerPolicy(List<JsonNode> runs) throws Exception {
        for (JsonNode run : runs) {
            String id = run.get("id").asText();
            String state = run.get("state").asText();
            List<RunEvent> events = api.events(id);
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).seq() != i + 1) {
                    violation(
                            "run histories whole",
                            "run " + id + ": event " + (i + 1) + " has number "
                                    + events.get(i).seq() + " " + types(events));
                    break;
                }
            }
            if (events.isEmpty() || !events.get(0).type().equals("Dispatched")) {
                violation("run histories whole", "run " + id + " does not start with its dispatch: " + types(events));
                continue;
            }
            for (int i = 0; i < events.size(); i++) {
                RunEvent e = events.get(i);
                if (e.type().equals("Interrupted") && willRetry(e)) {
                    boolean retried = events.subList(i + 1, events.size()).stream()
                            .anyMatch(n -> Set.of("AttemptStarted", "AttemptFailedToStart", "Cancelled")
                                    .contains(n.type()));
                    if (!retried) {
                        violation(
                                "interrupted runs retried per policy",
                                "run " + id + " was to be retried after an interruption but never was: "
                                        + types(events));
                    }
                }
            }
            if (!FINAL.contains(state)) {
                continue; // reported by everyRunEnds
            }
            int attempts = run.path("attempts").asInt();
            int retries = run.path("retries").asInt();
            if (state.equals("interrupted")) {
                RunEvent last = events.get(events.size() - 1);
                if (attempts <= retries || !last.type().equals("Interrupted") || willRetry(last)) {
                    violation(
                            "interrupted runs retried per policy",
                            "run " + id + " ended interrupted after " + attempts + " attempt(s) with " + retries
                                    + " retries allowed: " + types(events));
                }
            } else {
                Workload.Kind kind = kindOf(run);
                Set<String> allowed = kind == null ? Set.of("succeeded") : kind.ends;
                if (!allowed.contains(state)) {
                    violation(
                            "runs end as their command leads",
                            "run " + id + " (" + (kind == null ? "child" : kind) + ") ended " + state + ": "
                                    + types(events));
                }
            }
        }
    }

    /** Fails with every violation seen, grouped by guarantee. */
    void assertNone() {
        if (violations.isEmpty()) {
            return;
        }
        StringBuilder report = new StringBuilder("guarantees broken:\n");
        violations.forEach((guarantee, details) -> {
            report.append("- ")
                    .append(guarantee)
                    .append(" (")
                    .append(details.size())
                    .append("):\n");
            details.stream()
                    .limit(15)
                    .forEach(d -> report.append("    ").append(d).append('\n'));
            if (details.size() > 15) {
                report.append("    ... and ").append(details.size() - 15).append(" more\n");
            }
        });
        throw new AssertionError(report.toString());
    }

    boolean clean() {
        return violations.isEmpty();
    }

    private static Workload.Kind kindOf(JsonNode run) {
        String script = run.path("command").path(2).asText();
        for (Workload.Kind k : Workload.Kind.values()) {
            if (k.script.equals(script)) {
                return k;
            }
        }
        return null;
    }

    private static boolean willRetry(RunEvent e) {
        try {
            return Api.JSON.readTree(e.data()).path("willRetry").asBoolean();
        } catch (java.io.IOException ex) {
            throw new IllegalStateException("unreadable event data " + e.data(), ex);
        }
    }

    private static String types(List<RunEvent> events) {
        return events.stream().map(e -> e.seq() + ":" + e.type()).collect(Collectors.joining(" ", "[", "]"));
    }

    private static Set<String> ids(List<JsonNode> items) {
        return items.stream().map(i -> i.get("id").asText()).collect(Collectors.toSet());
    }

    private static Map<String, JsonNode> byId(List<JsonNode> items) {
        Map<String, JsonNode> map = new HashMap<>();
        items.forEach(i -> map.put(i.get("id").asText(), i));
        return map;
    }
}
