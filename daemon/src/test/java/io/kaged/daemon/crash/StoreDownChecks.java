package io.kaged.daemon.crash;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an operator of a live daemon sees while its PostgreSQL server is gone: {@code /v1/health} says
 * {@code degraded} with the reason; a run, a project write and a purge are each refused within a second
 * with 503, Retry-After and problem+json naming the store; what the daemon serves without the store
 * (info, the API document, metrics) is still served. Once the server is back, nothing refused was
 * recorded and the same writes are taken. Each miss is a violation of {@link CrashChecks}.
 */
final class StoreDownChecks {

    /** How fast a write is refused once the daemon knows its store is gone. */
    static final Duration FAST = Duration.ofSeconds(1);
    /**
     * How soon the daemon must know: a write on a connection to the stopped server fails at once, one
     * that waits for a new connection after {@code kaged.storage.connection-timeout} (10 s).
     */
    static final Duration DEGRADED_WITHIN = Duration.ofSeconds(30);

    private static final String PROJECT = "made-while-the-store-was-down";
    private static final String PROBLEM = "application/problem+json";

    private final Api api;
    private final CrashChecks checks;
    private final String store;

    /** @param pgPort the server's port, which the reasons must name (the store's masked URL has it) */
    StoreDownChecks(Api api, CrashChecks checks, int pgPort) {
        this.api = api;
        this.checks = checks;
        this.store = "localhost:" + pgPort;
    }

    /** While the server is down; {@code finished} is a run that had succeeded before. */
    void whileDown(String finished, String at) throws Exception {
        long degradedMs = degraded(at);
        if (degradedMs < 0) {
            return;
        }
        List<String> took = new ArrayList<>();
        took.add(refusedFast("POST", "/v1/runs", PostgresRestartIT.probe("store-down"), at));
        took.add(refusedFast("POST", "/v1/projects", Map.of("name", PROJECT), at));
        took.add(refusedFast("DELETE", "/v1/runs/" + finished + "?purge=true", null, at));
        took.add(servedFast("/v1/info", null, at));
        took.add(servedFast("/v1/openapi.json", null, at));
        took.add(servedFast("/metrics", "kaged_store_degraded 1.0", at));
        System.out.printf("%s: degraded after %d ms; %s%n", at, degradedMs, String.join(", ", took));
    }

    /** Once the server is back and writes are taken: nothing refused was recorded, and the same writes work. */
    void refusedLeftNothing(String finished, String at) throws Exception {
        JsonNode run = api.get("/v1/runs/" + finished);
        if (!run.get("state").asText().equals("succeeded")) {
            checks.violation("a refused purge deletes nothing", at + ": run " + finished + " is " + run);
        }
        int project = api.send("GET", "/v1/projects/" + PROJECT, null).statusCode();
        if (project != 404) {
            checks.violation(
                    "a refused write records nothing", at + ": GET of the refused project answered " + project);
        }
        expect(201, "POST", "/v1/projects", Map.of("name", PROJECT), at);
        expect(200, "DELETE", "/v1/runs/" + finished + "?purge=true", null, at);
    }

    /** How long until health said degraded with a reason naming the store (ms), or -1 after a violation. */
    private long degraded(String at) throws Exception {
        long start = System.nanoTime();
        long deadline = start + DEGRADED_WITHIN.toNanos();
        JsonNode health = null;
        while (System.nanoTime() < deadline) {
            health = api.get("/v1/health");
            if (health.path("status").asText().equals("degraded")) {
                String reason = health.path("reason").asText();
                if (!reason.contains(store) || !reason.contains("cannot take writes") || reason.contains("secret")) {
                    checks.violation(
                            "health names the store, not its password", at + ": the reason is '" + reason + "'");
                }
                return (System.nanoTime() - start) / 1_000_000;
            }
            Thread.sleep(100);
        }
        checks.violation(
                "health says degraded",
                at + ": still " + health + " after " + DEGRADED_WITHIN.toSeconds() + " s without the server");
        return -1;
    }

    private String refusedFast(String method, String path, Object body, String at) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = api.send(method, path, body);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String what = method + " " + path;
        if (r.statusCode() != 503
                || !r.headers().firstValue("Content-Type").orElse("").equals(PROBLEM)
                || r.headers().firstValue("Retry-After").isEmpty()
                || !r.body().contains(store)
                || !r.body().contains("nothing was recorded or started")) {
            checks.violation(
                    "a write is refused with 503, Retry-After and problem+json naming the store",
                    at + ": " + what + " answered " + r.statusCode() + " "
                            + r.headers().map() + " " + r.body());
        }
        if (took.compareTo(FAST) >= 0) {
            checks.violation(
                    "a write is refused within " + FAST.toMillis() + " ms", at + ": " + what + " took " + took);
        }
        return what + " " + took.toMillis() + " ms";
    }

    private String servedFast(String path, String contains, String at) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r;
        try {
            r = api.send("GET", path, null);
        } catch (IOException e) {
            checks.violation("what needs no store is served", at + ": GET " + path + ": " + e);
            return "GET " + path + " failed";
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (r.statusCode() != 200 || (contains != null && !r.body().contains(contains))) {
            checks.violation(
                    "what needs no store is served",
                    at + ": GET " + path + " answered " + r.statusCode() + ", without '" + contains + "'");
        }
        if (took.compareTo(FAST) >= 0) {
            checks.violation("what needs no store is served at once", at + ": GET " + path + " took " + took);
        }
        return "GET " + path + " " + took.toMillis() + " ms";
    }

    private void expect(int status, String method, String path, Object body, String at) throws Exception {
        HttpResponse<String> r = api.send(method, path, body);
        if (r.statusCode() != status) {
            checks.violation(
                    "the same daemon takes the refused writes once the server is back",
                    at + ": " + method + " " + path + " answered " + r.statusCode() + " " + r.body());
        }
    }
}
