package io.kaged.daemon.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.daemon.config.ConfigLoader;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.store.StoreExtension;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A real daemon on a fresh store of one engine in a temporary KAGED_HOME, with a config file written first
 * and a clock the test moves; plus the calls a test makes to it.
 */
public final class TestDaemon implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(20);
    public static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final Path home;
    private final Map<String, String> env = new HashMap<>();
    public final MovableClock clock = new MovableClock();
    public final Daemon daemon;

    public TestDaemon(TestEngine engine, Path home, String config) throws Exception {
        this(home, TestDatabases.newStoreUrl(engine, home), config);
    }

    /** A daemon on the store at {@code storeUrl} (a SQLite file on a small disk, say). */
    public TestDaemon(Path home, String storeUrl, String config) throws Exception {
        this.home = home;
        Files.writeString(home.resolve("kaged.conf"), config);
        env.put("KAGED_HOME", home.toString());
        env.put("HOME", home.resolve("user").toString());
        env.put("KAGED_DATABASE_URL", storeUrl);
        daemon = Daemon.start(ConfigLoader.load(env, null), 0, clock);
        env.put("KAGED_HTTP_PORT", String.valueOf(daemon.port()));
    }

    /** The environment a CLI needs to reach this daemon. */
    public Map<String, String> env() {
        return new HashMap<>(env);
    }

    public Store store() {
        return StoreExtension.store(daemon.system().classicSystem());
    }

    public String token() throws Exception {
        return Files.readString(home.resolve("auth-token")).trim();
    }

    public HttpResponse<String> call(String method, String path, String body) throws Exception {
        return as(token(), method, path, body);
    }

    /** A request with {@code token} (none if null). */
    public HttpResponse<String> as(String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.port() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public JsonNode json(String method, String path, String body, int expectedStatus) throws Exception {
        HttpResponse<String> r = call(method, path, body);
        if (r.statusCode() != expectedStatus) {
            throw new AssertionError(
                    method + " " + path + ": expected " + expectedStatus + ", got " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Dispatches a run of {@code argv} (under {@code parentId} if not null); its id. */
    public String dispatch(String parentId, String... argv) throws Exception {
        Map<String, Object> body = new HashMap<>();
        body.put("command", java.util.List.of(argv));
        if (parentId != null) {
            body.put("parentId", parentId);
        }
        return json("POST", "/v1/runs", JSON.writeValueAsString(body), 201)
                .get("id")
                .asText();
    }

    public String state(String runId) throws Exception {
        return json("GET", "/v1/runs/" + runId, null, 200).get("state").asText();
    }

    public void awaitState(String runId, String state) throws Exception {
        Eventually.waitFor(
                WAIT, "run " + runId + " " + state, () -> state(runId).equals(state));
    }

    /** Whether the run has an actor in memory now. */
    public boolean hasRunActor(String runId) {
        try {
            daemon.system()
                    .classicSystem()
                    .actorSelection("/user/runs/run-" + runId)
                    .resolveOne(Duration.ofSeconds(1))
                    .toCompletableFuture()
                    .join();
            return true;
        } catch (java.util.concurrent.CompletionException e) {
            return false;
        }
    }

    public long count(String sql, Object... args) throws Exception {
        return store().withConnection(c -> {
            try (var ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Override
    public void close() {
        daemon.stop();
    }
}
