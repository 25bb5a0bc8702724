package io.kaged.daemon.crash;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Concurrent load on a daemon that is killed and started again under it: two threads dispatch runs of
 * every kind over HTTP, a third creates sessions, types into them (not into the first ones, see
 * {@link #alwaysSessions}), terminates some and cancels some runs. Only what the daemon acknowledged is recorded: a 201 for a run or session, a 200 for a
 * terminate. Requests the daemon did not answer (it was down, or killed mid-request) are counted and
 * may or may not have taken effect.
 */
final class Workload implements AutoCloseable {

    /** What a run does, and which final states its policy allows besides {@code interrupted}. */
    enum Kind {
        SHORT("echo short; sleep 0.3", 0, null, "succeeded"),
        LONG("i=0; while [ $i -lt 6 ]; do echo step $i; i=$((i+1)); sleep 1; done", 2, null, "succeeded", "cancelled"),
        FAMILY("sleep 3 & sleep 2 & wait; echo family done", 1, null, "succeeded"),
        FAILING("echo failing >&2; exit 3", 1, null, "failed"),
        TIMED("sleep 30; echo overslept", 0, 1500L, "timed-out"),
        // docs/examples/parent-agent.sh in small: two subagents through the API with the run's own
        // KAGED_URL and KAGED_TOKEN, each id noted once the daemon acknowledged it, then a few steps
        PARENT(
                """
                for name in a b; do
                  answer=$(curl -s -X POST "$KAGED_URL/v1/runs" -H "Authorization: Bearer $KAGED_TOKEN" \
                    -H 'Content-Type: application/json' -w ' %{http_code}' \
                    -d "{\\"command\\":[\\"sh\\",\\"-c\\",\\"echo subagent $name; sleep 2\\",\\"$0\\"],\
                \\"env\\":{\\"KAGED_CRASH_MARK\\":\\"$KAGED_CRASH_MARK\\"},\\"retries\\":1}")
                  case "$answer" in
                    *' 201') echo "$answer" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4 >> "$CRASH_CHILDREN"
                      echo "subagent $name started";;
                    *) echo "subagent $name refused: $answer" >&2;;
                  esac
                done
                for step in 1 2 3; do echo step $step; sleep 1; done
                """,
                1, null, "succeeded");

        final String script;
        final int retries;
        final Long timeoutMs;
        final Set<String> ends;

        Kind(String script, int retries, Long timeoutMs, String... ends) {
            this.script = script;
            this.retries = retries;
            this.timeoutMs = timeoutMs;
            this.ends = Set.of(ends);
        }
    }

    private static final Kind[] MIX = {
        Kind.SHORT,
        Kind.SHORT,
        Kind.SHORT,
        Kind.LONG,
        Kind.FAMILY,
        Kind.FAMILY,
        Kind.FAILING,
        Kind.TIMED,
        Kind.PARENT,
        Kind.PARENT
    };
    private static final int MAX_SESSIONS = 7;
    private static final String TICKING = "while :; do echo tick; sleep 1; done";
    /** Ignores the hangup of its closed terminal, as everything under a daemon started with nohup does. */
    private static final String IDLE = "trap '' HUP; while :; do sleep 1; done";

    private final Api api;
    private final String mark;
    private final Path childrenLog;
    private final Random random;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    /** Runs the daemon acknowledged (201), by id. */
    final Map<String, Kind> runs = new ConcurrentHashMap<>();
    /** Sessions the daemon acknowledged (201), by id, with their restart policy. */
    final Map<String, String> sessions = new ConcurrentHashMap<>();
    /** Sessions the load leaves alone (no input). */
    private final Set<String> untouched = ConcurrentHashMap.newKeySet();
    /** Sessions whose terminate the daemon acknowledged (200). */
    final Set<String> terminated = ConcurrentHashMap.newKeySet();

    final AtomicInteger unanswered = new AtomicInteger();
    final AtomicInteger cancels = new AtomicInteger();

    Workload(Api api, String mark, Path work, long seed) {
        this.api = api;
        this.mark = mark;
        this.childrenLog = work.resolve("children.log");
        this.random = new Random(seed);
    }

    /**
     * Creates {@code n} sessions with {@code restart: always} before the load starts. They print a line
     * a second (so they write to the store all the time) and are never sent anything: nothing but the
     * daemon itself can bring them back.
     */
    void alwaysSessions(int n) throws IOException, InterruptedException {
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = api.send("POST", "/v1/sessions", session("always", TICKING));
            if (r.statusCode() != 201) {
                throw new AssertionError("POST /v1/sessions: " + r.statusCode() + " " + r.body());
            }
            String id = Api.JSON.readTree(r.body()).get("id").asText();
            sessions.put(id, "always");
            untouched.add(id);
        }
    }

    void start() {
        for (int i = 0; i < 2; i++) {
            Random own = new Random(random.nextLong());
            threads.add(started("crash-runs-" + i, () -> loop(() -> dispatchRun(own))));
        }
        Random own = new Random(random.nextLong());
        threads.add(started("crash-sessions", () -> loop(() -> driveSessions(own))));
    }

    private static Thread started(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Child runs the parent runs noted as acknowledged. */
    List<String> children() throws IOException {
        if (!Files.exists(childrenLog)) {
            return List.of();
        }
        return Files.readAllLines(childrenLog).stream()
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private interface Step {
        void run() throws Exception;
    }

    private void loop(Step step) {
        while (!stopping) {
            try {
                step.run();
            } catch (IOException e) {
                unanswered.incrementAndGet();
                pause(200);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private void dispatchRun(Random r) throws Exception {
        Kind kind = MIX[r.nextInt(MIX.length)];
        Map<String, Object> body = new HashMap<>();
        body.put("command", List.of("sh", "-c", kind.script, ProcTable.argvMarker(mark)));
        body.put("env", Map.of(ProcTable.ENV, mark, "CRASH_CHILDREN", childrenLog.toString()));
        body.put("retries", kind.retries);
        if (kind.timeoutMs != null) {
            body.put("timeoutMs", kind.timeoutMs);
        }
        HttpResponse<String> answer = api.send("POST", "/v1/runs", body);
        if (answer.statusCode() == 201) {
            runs.put(Api.JSON.readTree(answer.body()).get("id").asText(), kind);
        }
        pause(250 + r.nextInt(400));
    }

    private void driveSessions(Random r) throws Exception {
        int roll = r.nextInt(10);
        if (sessions.size() < MAX_SESSIONS && roll < 3) {
            String restart = r.nextBoolean() ? "always" : "never";
            HttpResponse<String> answer = api.send("POST", "/v1/sessions", session(restart, IDLE));
            if (answer.statusCode() == 201) {
                sessions.put(Api.JSON.readTree(answer.body()).get("id").asText(), restart);
            }
        } else if (roll < 7 && sessions.size() > untouched.size()) {
            List<String> typedInto = new ArrayList<>(sessions.keySet());
            typedInto.removeAll(untouched);
            api.send("POST", "/v1/sessions/" + pick(r, typedInto) + "/input", Map.of("data", "echo typed\n"));
        } else if (roll == 7) {
            List<String> never = sessions.entrySet().stream()
                    .filter(e -> e.getValue().equals("never") && !terminated.contains(e.getKey()))
                    .map(Map.Entry::getKey)
                    .toList();
            if (!never.isEmpty()) {
                String id = pick(r, never);
                if (api.send("DELETE", "/v1/sessions/" + id, null).statusCode() == 200) {
                    terminated.add(id);
                }
            }
        } else {
            List<String> longRuns = runs.entrySet().stream()
                    .filter(e -> e.getValue() == Kind.LONG)
                    .map(Map.Entry::getKey)
                    .toList();
            if (!longRuns.isEmpty()) {
                String id = pick(r, longRuns);
                if (api.send("POST", "/v1/runs/" + id + "/cancel", null).statusCode() == 200) {
                    cancels.incrementAndGet();
                }
            }
        }
        pause(400 + r.nextInt(600));
    }

    private Map<String, Object> session(String restart, String script) {
        return Map.of(
                "command",
                List.of("sh", "-c", script, ProcTable.argvMarker(mark)),
                "env",
                Map.of(ProcTable.ENV, mark),
                "restart",
                restart);
    }

    private static String pick(Random r, List<String> ids) {
        return ids.get(r.nextInt(ids.size()));
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the load and waits for its threads. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        for (Thread t : threads) {
            t.interrupt();
            t.join(20_000);
        }
    }
}
