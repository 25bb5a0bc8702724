package io.kaged.daemon.serve.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kaged.daemon.serve.RawHttp;
import io.kaged.daemon.serve.TestDaemon;
import io.kaged.http.routes.OpenApiRoutes;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * Requests generated from the served OpenAPI document against a real daemon, on both engines: every
 * route, every query parameter, every path parameter and every body field, each broken every way {@link
 * ApiMutations} knows (all of them, exhaustively), then random values in random places. Whatever is sent,
 * the daemon answers: never a 5xx, never a dropped connection, problem+json for every error, no token and
 * no stack trace in any answer; and it is healthy afterwards.
 */
class ApiFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A Java or Scala class name, as a stack trace or an exception message would show it. */
    private static final Pattern INTERNALS =
            Pattern.compile("\\tat |\\b(java|javax|scala|org\\.apache|com\\.fasterxml|io\\.kaged)\\.[a-z]+\\.");

    /** One daemon per engine for the whole class, with the resources the valid requests name. */
    private record Target(TestDaemon daemon, Path root, String token, OpenApiDocument doc, Map<String, String> ids) {}

    private static final Map<TestEngine, Target> TARGETS = new EnumMap<>(TestEngine.class);

    // ---- every mutation of every route, exhaustively ----------------------------------------------

    @Property(generation = GenerationMode.EXHAUSTIVE, tries = 20_000)
    void everyBrokenRequestIsAClearRefusalOnSqlite(@ForAll("sqliteMutations") ApiMutations.Request request)
            throws Exception {
        answersWell(target(TestEngine.SQLITE), request);
    }

    @Property(generation = GenerationMode.EXHAUSTIVE, tries = 20_000)
    void everyBrokenRequestIsAClearRefusalOnPostgresql(@ForAll("postgresMutations") ApiMutations.Request request)
            throws Exception {
        answersWell(target(TestEngine.POSTGRESQL), request);
    }

    @Provide
    Arbitrary<ApiMutations.Request> sqliteMutations() throws Exception {
        return Arbitraries.of(mutations(TestEngine.SQLITE));
    }

    @Provide
    Arbitrary<ApiMutations.Request> postgresMutations() throws Exception {
        return Arbitraries.of(mutations(TestEngine.POSTGRESQL));
    }

    private static List<ApiMutations.Request> mutations(TestEngine engine) throws Exception {
        Target t = target(engine);
        return new ApiMutations(t.doc(), t.ids()).all();
    }

    // ---- random values in random places -----------------------------------------------------------

    @Property(tries = 150, shrinking = ShrinkingMode.BOUNDED)
    void randomValuesAreAnsweredWellOnSqlite(@ForAll("sqliteRandom") ApiMutations.Request request) throws Exception {
        answersWell(target(TestEngine.SQLITE), request);
    }

    @Property(tries = 150, shrinking = ShrinkingMode.BOUNDED)
    void randomValuesAreAnsweredWellOnPostgresql(@ForAll("postgresRandom") ApiMutations.Request request)
            throws Exception {
        answersWell(target(TestEngine.POSTGRESQL), request);
    }

    @Provide
    Arbitrary<ApiMutations.Request> sqliteRandom() throws Exception {
        return random(target(TestEngine.SQLITE));
    }

    @Provide
    Arbitrary<ApiMutations.Request> postgresRandom() throws Exception {
        return random(target(TestEngine.POSTGRESQL));
    }

    /** A documented operation with one body field or query parameter set to an arbitrary value. */
    private static Arbitrary<ApiMutations.Request> random(Target t) {
        ApiMutations base = new ApiMutations(t.doc(), t.ids());
        return Arbitraries.of(t.doc().operations()).flatMap(op -> {
            List<String> places = new ArrayList<>();
            t.doc()
                    .requestSchema(op)
                    .ifPresent(s -> s.path("properties").fieldNames().forEachRemaining(f -> places.add("body:" + f)));
            for (JsonNode p : op.parameters()) {
                if (p.path("in").asText().equals("query")) {
                    places.add("query:" + p.get("name").asText());
                }
            }
            places.add(op.hasBody() ? "body:notAField" : "query:notAParameter");
            return Combinators.combine(Arbitraries.of(places), jsonValues()).as((place, value) -> {
                String path = OpenApiDocument.fill(op.path(), t.ids());
                String name = place.substring(place.indexOf(':') + 1);
                if (place.startsWith("body:")) {
                    ObjectNode body = base.validBody(op);
                    body.set(name, value);
                    return new ApiMutations.Request(
                            op.method(), path, ApiMutations.utf8(body.toString()), op.name() + " with " + body);
                }
                String text = value.isTextual() ? value.asText() : value.toString();
                String query = OpenApiDocument.query(Map.of(name, text));
                byte[] body =
                        op.hasBody() ? ApiMutations.utf8(base.validBody(op).toString()) : null;
                return new ApiMutations.Request(op.method(), path + query, body, op.name() + query);
            });
        });
    }

    private static Arbitrary<JsonNode> jsonValues() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Arbitrary<JsonNode> strings =
                Arbitraries.strings().all().ofMaxLength(64).map(f::textNode);
        Arbitrary<JsonNode> numbers = Arbitraries.oneOf(
                Arbitraries.longs().map(f::numberNode),
                Arbitraries.doubles().map(f::numberNode),
                Arbitraries.bigIntegers()
                        .between(java.math.BigInteger.ZERO, java.math.BigInteger.TEN.pow(60))
                        .map(f::numberNode));
        Arbitrary<JsonNode> scalars =
                Arbitraries.oneOf(strings, numbers, Arbitraries.of(f.nullNode(), f.booleanNode(true)));
        Arbitrary<JsonNode> arrays =
                scalars.list().ofMaxSize(4).map(items -> f.arrayNode().addAll(items));
        Arbitrary<JsonNode> maps = Combinators.combine(
                        Arbitraries.strings().all().ofMaxLength(8), scalars)
                .as((k, v) -> (JsonNode) f.objectNode().set(k, v));
        return Arbitraries.oneOf(scalars, arrays, maps);
    }

    // ---- what every answer must be ----------------------------------------------------------------

    private static void answersWell(Target t, ApiMutations.Request request) throws Exception {
        RawHttp.Answer answer = RawHttp.send(
                t.daemon().daemon.port(), request.method(), request.pathAndQuery(), t.token(), request.body());
        String where = request + " answered " + abbreviate(answer.toString());
        if (answer.failure() != null) {
            throw new AssertionError(request + ": the connection broke: " + answer.failure());
        }
        if (answer.status() >= 500) {
            throw new AssertionError(where + ": a 5xx for a client's request");
        }
        if (answer.status() >= 400) {
            if (!answer.mediaType().equals("application/problem+json")) {
                throw new AssertionError(where + ": an error that is not problem+json");
            }
            String detail = JSON.readTree(answer.body()).path("detail").asText("");
            if (detail.length() < 10) {
                throw new AssertionError(where + ": a problem without a detail to act on");
            }
            if (INTERNALS.matcher(answer.body()).find()) {
                throw new AssertionError(where + ": the answer shows kaged's internals");
            }
        }
        if (answer.body().contains(t.token())) {
            throw new AssertionError(where + ": the answer holds the API token");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    @AfterProperty
    void theDaemonsAreHealthy() {
        TARGETS.forEach((engine, t) -> {
            RawHttp.Answer health = RawHttp.send(t.daemon().daemon.port(), "GET", "/v1/health", null, null);
            if (health.status() != 200) {
                throw new AssertionError("the daemon on " + engine + " is not healthy afterwards: " + health);
            }
        });
    }

    // ---- the daemons ------------------------------------------------------------------------------

    private static synchronized Target target(TestEngine engine) throws Exception {
        Target t = TARGETS.get(engine);
        if (t == null) {
            t = start(engine);
            TARGETS.put(engine, t);
        }
        return t;
    }

    private static Target start(TestEngine engine) throws Exception {
        // the kaged home and, beside it, the agent's workspace: a sandbox refuses a cwd inside the home
        Path root = Files.createTempDirectory("kaged-fuzz-");
        Path home = Files.createDirectories(root.resolve("home"));
        TestDaemon daemon = new TestDaemon(engine, home, "");
        String token = daemon.token();
        OpenApiDocument doc = OpenApiDocument.parse(OpenApiRoutes.load());
        Map<String, String> ids = new HashMap<>();
        ids.put(
                "sessionId",
                daemon.json("POST", "/v1/sessions", "{\"command\":[\"sleep\",\"300\"]}", 201)
                        .get("id")
                        .asText());
        String run = daemon.dispatch(null, "sleep", "300");
        daemon.awaitState(run, "running");
        ids.put(
                "checkpointId",
                daemon.json("POST", "/v1/runs/" + run + "/checkpoints", "{\"label\":\"fixture\"}", 201)
                        .get("id")
                        .asText());
        ids.put("runId", run);
        // the session's pause is its checkpoint; without a workspace its diff is a 409, which is fine to fuzz
        daemon.json("POST", "/v1/sessions/" + ids.get("sessionId") + "/pause", null, 200);
        daemon.json("POST", "/v1/sessions/" + ids.get("sessionId") + "/resume", null, 200);
        ids.put(
                "sessionCheckpointId",
                daemon.json("GET", "/v1/sessions/" + ids.get("sessionId") + "/checkpoints", null, 200)
                        .path("items")
                        .get(0)
                        .get("id")
                        .asText());
        ObjectNode agentRun = JSON.createObjectNode();
        agentRun.set("command", JSON.valueToTree(io.kaged.daemon.agent.TestAgent.command()));
        agentRun.put("cwd", Files.createDirectories(root.resolve("work")).toString());
        agentRun.putObject("acp").put("prompt", "ask edit a.txt");
        String agent = daemon.json("POST", "/v1/runs", agentRun.toString(), 201)
                .get("id")
                .asText();
        Eventually.waitFor(
                TestDaemon.WAIT,
                "the agent run asks for an approval",
                () -> daemon.json("GET", "/v1/approvals?runId=" + agent, null, 200)
                                .path("items")
                                .size()
                        == 1);
        ids.put(
                "approvalId",
                daemon.json("GET", "/v1/approvals?runId=" + agent, null, 200)
                        .path("items")
                        .get(0)
                        .get("id")
                        .asText());
        daemon.json("POST", "/v1/projects", "{\"name\":\"fixture-project\"}", 201);
        daemon.json("POST", "/v1/projects/fixture-project/prompts/fixture-prompt", "{\"body\":\"one\\n\"}", 201);
        daemon.json("POST", "/v1/projects/fixture-project/prompts/fixture-prompt", "{\"body\":\"two\\n\"}", 201);
        ids.put("project", "fixture-project");
        ids.put("prompt", "fixture-prompt");
        ids.put("version", "1");
        daemon.json("PUT", "/v1/secrets/fixture-secret", "{\"value\":\"fixture-value\"}", 201);
        ids.put("secret", "fixture-secret");
        Eventually.waitFor(
                TestDaemon.WAIT,
                "the fixtures are readable",
                () -> daemon.call("GET", "/v1/sessions/" + ids.get("sessionId"), null)
                                .statusCode()
                        == 200);
        return new Target(daemon, root, token, doc, ids);
    }

    @AfterContainer
    static void stopDaemons() throws Exception {
        for (Target t : TARGETS.values()) {
            t.daemon().close();
            try (var files = Files.walk(t.root())) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
        TARGETS.clear();
    }
}
