package io.kaged.daemon.serve.openapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kaged.daemon.config.ConfigLoader;
import io.kaged.daemon.serve.Daemon;
import io.kaged.http.routes.OpenApiRoutes;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The served OpenAPI document against the real daemon, on both engines. It is honest when
 *
 * <ul>
 *   <li>every documented operation answers with a documented status, content type and body schema, with
 *       real ids and with unknown ones (then the resource's own 404, never the router's), and refuses a
 *       request without a token unless it is documented open;
 *   <li>every request body and parameter is as strict as documented: the examples are accepted, and a
 *       missing required field, an unknown field, a wrong type or a value out of its documented range is a
 *       400;
 *   <li>no route answers that the document leaves out: each documented path is tried with every other
 *       method, and every literal path segment of the routing code is tried under {@code /}, {@code /v1}
 *       and every documented path. They must get the router's 404 or a 405.
 * </ul>
 *
 * A route added without documenting it, or documented without existing, fails here with a line naming it.
 */
class OpenApiTest {

    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final List<String> METHOD_ORDER =
            List.of("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE");
    private static final String ROUTER_404 = "No such route";
    private static final String UNKNOWN_ID = "00000000-0000-7000-8000-000000000000";
    /** Path parameters that name nothing: every id-bearing route must answer its own 404 (or a 400) to them. */
    private static final Map<String, String> UNKNOWN = Map.of(
            "sessionId",
            UNKNOWN_ID,
            "runId",
            UNKNOWN_ID,
            "checkpointId",
            UNKNOWN_ID,
            "sessionCheckpointId",
            UNKNOWN_ID,
            "approvalId",
            UNKNOWN_ID,
            "project",
            "no-such-project",
            "prompt",
            "no-such-prompt",
            "version",
            "1",
            "secret",
            "no-such-secret");

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    /** Outside the kaged home: an ACP run is sandboxed, and a sandbox refuses a cwd inside the home. */
    @TempDir
    Path workspaces;

    private Daemon daemon;
    private String token;
    private Probe probe;
    private OpenApiDocument doc;
    private final List<String> mistakes = new ArrayList<>();
    private final Set<String> reported = new java.util.HashSet<>();

    private void start(TestEngine engine) throws Exception {
        daemon = Daemon.start(
                ConfigLoader.load(
                        Map.of(
                                "KAGED_HOME",
                                home.toString(),
                                "KAGED_DATABASE_URL",
                                TestDatabases.newStoreUrl(engine, home)),
                        null),
                0);
        token = Files.readString(home.resolve("auth-token")).trim();
        probe = new Probe(daemon.port());
        Probe.Answer served = probe.send("GET", "/v1/openapi.json", token, null);
        assertEquals(200, served.status(), served.toString());
        assertEquals("application/json", served.mediaType());
        assertArrayEquals(OpenApiRoutes.load(), served.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        doc = OpenApiDocument.parse(OpenApiRoutes.load());
        assertTrue(doc.operations().size() > 1, "the test reads no operations from the document");
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.stop();
        }
    }

    private void assertNoMistakes(String what) {
        assertTrue(mistakes.isEmpty(), what + ":\n" + String.join("\n", mistakes));
    }

    // ---- every documented operation answers as documented ----------------------------------------

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void everyDocumentedOperationAnswersAsDocumented(TestEngine engine) throws Exception {
        start(engine);
        Map<String, String> real = fixtures();
        attachesOverWebSockets(real);
        List<OpenApiDocument.Operation> ordered = new ArrayList<>(doc.operations());
        ordered.sort(Comparator.comparingInt(op -> METHOD_ORDER.indexOf(op.method())));
        for (OpenApiDocument.Operation op : ordered) {
            String query = OpenApiDocument.requiredQuery(op);
            String body = doc.requestExample(op).map(JsonNode::toString).orElse(null);

            Probe.Answer anonymous =
                    probe.send(op.method(), OpenApiDocument.fill(op.path(), UNKNOWN) + query, null, body);
            if (op.open() == (anonymous.status() == 401)) {
                mistakes.add(op.name() + " without a token answered " + anonymous + ", but the document says it is "
                        + (op.open() ? "open" : "behind the token"));
            }

            Probe.Answer unknown =
                    probe.send(op.method(), OpenApiDocument.fill(op.path(), UNKNOWN) + query, token, body);
            answersAsDocumented(op, "with unknown ids", unknown);

            Probe.Answer answer = probe.send(op.method(), OpenApiDocument.fill(op.path(), real) + query, token, body);
            answersAsDocumented(op, "with real ids", answer);
            if (body != null && answer.status() == 400) {
                mistakes.add(op.name() + " refused its documented example " + body + ": " + answer);
            }
            if (op.method().equals("GET") && !op.statuses().contains("101") && answer.status() >= 300) {
                mistakes.add(op.name() + " with real ids answered " + answer + " instead of its content");
            }
        }
        assertNoMistakes("operations that do not answer as documented");
    }

    /** The status is documented; a 404 is the resource's; content type and JSON body are as documented. */
    private void answersAsDocumented(OpenApiDocument.Operation op, String how, Probe.Answer answer) throws Exception {
        String where = op.name() + " " + how;
        JsonNode response = doc.response(op, answer.status());
        if (response == null) {
            mistakes.add(where + " answered " + answer + "; documented: " + op.statuses());
            return;
        }
        if (answer.status() == 404 && answer.detail().startsWith(ROUTER_404)) {
            mistakes.add(where + " got the router's 404: no route serves it");
        }
        JsonNode content = response.get("content");
        if (content == null || answer.mediaType().isEmpty()) {
            return;
        }
        if (!content.has(answer.mediaType())) {
            mistakes.add(where + " answered " + answer.status() + " as " + answer.mediaType() + "; documented: "
                    + String.join(", ", iterable(content.fieldNames())));
            return;
        }
        JsonNode schema = content.get(answer.mediaType()).get("schema");
        if (schema != null && answer.mediaType().endsWith("json")) {
            for (String departure : new SchemaCheck(doc).check(answer.json(), schema)) {
                mistakes.add(where + " answered " + answer.status() + " with a body unlike its schema: " + departure);
            }
        }
    }

    /** A session, a running run with a checkpoint, a project with a prompt of two versions. */
    private Map<String, String> fixtures() throws Exception {
        Map<String, String> ids = new HashMap<>();
        // a session with a workspace, paused once and resumed: a checkpoint whose diff answers with content
        Path sessionFolder = Files.createDirectories(workspaces.resolve("fixture-session"));
        String session = created(
                        "/v1/sessions",
                        JSON.createObjectNode()
                                .<com.fasterxml.jackson.databind.node.ObjectNode>set(
                                        "command", JSON.valueToTree(List.of("sleep", "300")))
                                .put("cwd", sessionFolder.toString())
                                .put("workspace", true)
                                .toString())
                .get("id")
                .asText();
        ids.put("sessionId", session);
        Eventually.waitFor(WAIT, "session " + session + " is running", () -> probe.send(
                        "GET", "/v1/sessions/" + session, token, null)
                .json()
                .path("state")
                .asText()
                .equals("running"));
        assertEquals(
                200,
                probe.send("POST", "/v1/sessions/" + session + "/pause", token, null)
                        .status());
        assertEquals(
                200,
                probe.send("POST", "/v1/sessions/" + session + "/resume", token, null)
                        .status());
        String sessionCheckpoint = probe.send("GET", "/v1/sessions/" + session + "/checkpoints", token, null)
                .json()
                .path("items")
                .get(0)
                .get("id")
                .asText();
        ids.put("sessionCheckpointId", sessionCheckpoint);
        Eventually.waitFor(
                WAIT,
                "the session's snapshot",
                () -> probe.send(
                                        "GET",
                                        "/v1/sessions/" + session + "/checkpoints/" + sessionCheckpoint + "/diff",
                                        token,
                                        null)
                                .status()
                        == 200);
        // an ACP run whose agent waits on a permission request: a run, a conversation and an approval; its
        // cwd is its workspace (an ACP run's default), so that its checkpoint's diff answers with content
        Path workspace = Files.createDirectories(workspaces.resolve("fixture-workspace"));
        Files.writeString(workspace.resolve("file.txt"), "one\n");
        String run = created(
                        "/v1/runs",
                        JSON.createObjectNode()
                                .<com.fasterxml.jackson.databind.node.ObjectNode>set(
                                        "command", JSON.valueToTree(io.kaged.daemon.agent.TestAgent.command()))
                                .put("cwd", workspace.toString())
                                .set("acp", JSON.createObjectNode().put("prompt", "ask edit a.txt"))
                                .toString())
                .get("id")
                .asText();
        Eventually.waitFor(WAIT, "run " + run + " is running", () -> probe.send("GET", "/v1/runs/" + run, token, null)
                .json()
                .path("state")
                .asText()
                .equals("running"));
        ids.put(
                "checkpointId",
                created("/v1/runs/" + run + "/checkpoints", "{\"label\":\"fixture\"}")
                        .get("id")
                        .asText());
        ids.put("runId", run);
        Eventually.waitFor(
                WAIT,
                "run " + run + " asks for an approval",
                () -> probe.send("GET", "/v1/approvals?state=pending&runId=" + run, token, null)
                                .json()
                                .path("items")
                                .size()
                        == 1);
        ids.put(
                "approvalId",
                probe.send("GET", "/v1/approvals?runId=" + run, token, null)
                        .json()
                        .path("items")
                        .get(0)
                        .get("id")
                        .asText());
        created("/v1/projects", "{\"name\":\"fixture-project\"}");
        created("/v1/projects/fixture-project/prompts/fixture-prompt", "{\"body\":\"one\\n\"}");
        created("/v1/projects/fixture-project/prompts/fixture-prompt", "{\"body\":\"two\\n\"}");
        ids.put("project", "fixture-project");
        ids.put("prompt", "fixture-prompt");
        ids.put("version", "1");
        Probe.Answer secret = probe.send("PUT", "/v1/secrets/fixture-secret", token, "{\"value\":\"fixture-value\"}");
        assertEquals(201, secret.status(), "PUT /v1/secrets/fixture-secret -> " + secret);
        ids.put("secret", "fixture-secret");
        return ids;
    }

    private JsonNode created(String path, String body) throws Exception {
        Probe.Answer answer = probe.send("POST", path, token, body);
        assertEquals(201, answer.status(), path + " -> " + answer);
        return answer.json();
    }

    /** The 101 the document promises, with the token and with a ticket. */
    private void attachesOverWebSockets(Map<String, String> real) throws Exception {
        for (OpenApiDocument.Operation op : doc.operations()) {
            if (!op.statuses().contains("101")) {
                continue;
            }
            String path = OpenApiDocument.fill(op.path(), real);
            open(probe.client().newWebSocketBuilder().header("Authorization", "Bearer " + token), path, op);
            String ticketPath = path.replaceAll("/attach$", "/attach-ticket");
            Probe.Answer ticket = probe.send("POST", ticketPath, token, null);
            assertEquals(201, ticket.status(), ticket.toString());
            open(probe.client().newWebSocketBuilder(), ticket.json().get("url").asText(), op);
        }
    }

    private void open(WebSocket.Builder builder, String pathAndQuery, OpenApiDocument.Operation op) {
        try {
            WebSocket socket = builder.buildAsync(probe.uri("ws", pathAndQuery), new WebSocket.Listener() {})
                    .get(10, TimeUnit.SECONDS);
            socket.abort();
        } catch (Exception e) {
            mistakes.add(op.name() + " did not open a WebSocket at " + pathAndQuery + ": " + e);
        }
    }

    // ---- requests are as strict as documented ----------------------------------------------------

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void requestsAreAsStrictAsDocumented(TestEngine engine) throws Exception {
        start(engine);
        InvalidValues invalid = new InvalidValues(doc);
        for (OpenApiDocument.Operation op : doc.operations()) {
            // unknown ids: a body or parameter is checked before the lookup, so 400 and 404 tell them apart
            String path = OpenApiDocument.fill(op.path(), UNKNOWN);
            if (doc.requestSchema(op).isPresent()) {
                bodiesAreAsStrictAsDocumented(op, path, invalid);
            }
            String body = doc.requestExample(op).map(JsonNode::toString).orElse(null);
            for (JsonNode p : op.parameters()) {
                String name = p.get("name").asText();
                for (InvalidValues.Invalid bad : invalid.forParameter(p.get("schema"))) {
                    String target;
                    if (p.get("in").asText().equals("path")) {
                        Map<String, String> values = new HashMap<>(UNKNOWN);
                        values.put(name, bad.value().asText());
                        target = OpenApiDocument.fill(op.path(), values) + OpenApiDocument.requiredQuery(op);
                    } else {
                        Map<String, String> query = requiredQueryValues(op);
                        query.put(name, bad.value().asText());
                        target = path + OpenApiDocument.query(query);
                    }
                    refused(op, "parameter '" + name + "' breaking " + bad.breaks(), target, body);
                }
            }
        }
        assertNoMistakes("requests the document forbids but the server accepts");
    }

    private void bodiesAreAsStrictAsDocumented(OpenApiDocument.Operation op, String path, InvalidValues invalid)
            throws Exception {
        JsonNode schema = doc.requestSchema(op).orElseThrow();
        JsonNode example = doc.requestExample(op).orElse(null);
        if (example == null) {
            mistakes.add(op.name() + " documents a request body without an example");
            return;
        }
        for (String departure : new SchemaCheck(doc).check(example, schema)) {
            mistakes.add(op.name() + "'s example does not fit its schema: " + departure);
        }
        if (doc.bodyRequired(op)) {
            refused(op, "no body", path, null);
        } else {
            accepted(op, "no body", path, null);
        }
        ObjectNode minimal = doc.minimalBody(op);
        accepted(op, "only the required fields", path, minimal);
        for (JsonNode required : schema.path("required")) {
            ObjectNode without = minimal.deepCopy();
            without.remove(required.asText());
            refused(op, "required field '" + required.asText() + "' left out", path, without.toString());
        }
        if (!schema.path("additionalProperties").asBoolean(true)) {
            ObjectNode extra = minimal.deepCopy();
            extra.put("notAField", 1);
            refused(op, "an unknown field", path, extra.toString());
        }
        for (Map.Entry<String, JsonNode> property :
                iterable(schema.path("properties").fields())) {
            for (InvalidValues.Invalid bad : invalid.forBody(property.getValue())) {
                ObjectNode body = minimal.deepCopy();
                body.set(property.getKey(), bad.value());
                refused(op, "field '" + property.getKey() + "' breaking " + bad.breaks(), path, body.toString());
            }
        }
    }

    private void refused(OpenApiDocument.Operation op, String what, String target, String body) throws Exception {
        Probe.Answer answer = probe.send(op.method(), target, token, body);
        if (answer.status() != 400) {
            mistakes.add(op.name() + " with " + what + " (" + target + (body == null ? "" : " " + body) + ") answered "
                    + answer + " instead of 400");
        }
    }

    private void accepted(OpenApiDocument.Operation op, String what, String target, ObjectNode body) throws Exception {
        Probe.Answer answer = probe.send(op.method(), target, token, body == null ? null : body.toString());
        if (answer.status() == 400 || doc.response(op, answer.status()) == null) {
            mistakes.add(op.name() + " with " + what + (body == null ? "" : " " + body) + " answered " + answer);
        }
    }

    private static Map<String, String> requiredQueryValues(OpenApiDocument.Operation op) {
        Map<String, String> query = new LinkedHashMap<>();
        for (JsonNode p : op.parameters()) {
            if (p.path("in").asText().equals("query") && p.path("required").asBoolean(false)) {
                query.put(p.get("name").asText(), p.get("example").asText());
            }
        }
        return query;
    }

    // ---- every route is documented ---------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void everyRouteIsDocumented(TestEngine engine) throws Exception {
        start(engine);
        Set<String> literals = RouteLiterals.scan(buildRoot());
        for (String path : doc.paths()) {
            for (String literal : OpenApiDocument.literals(path)) {
                if (!literals.contains(literal)) {
                    mistakes.add(path + ": no routing code matches '" + literal
                            + "' (a documented path that does not exist, or the scan missed it)");
                }
            }
        }
        assertNoMistakes("documented paths the routing code does not have");

        for (String path : doc.paths()) {
            String concrete = OpenApiDocument.fill(path, UNKNOWN);
            for (String method : METHODS) {
                if (!doc.methodsOf(path).contains(method)) {
                    noRoute(method, concrete);
                }
            }
        }
        Set<String> bases = new TreeSet<>(List.of("", "/v1"));
        for (String path : doc.paths()) {
            bases.add(OpenApiDocument.fill(path, UNKNOWN));
        }
        for (String base : bases) {
            for (String literal : literals) {
                String concrete = base + "/" + literal;
                String template = doc.templateOf(concrete).orElse(null);
                for (String method : METHODS) {
                    if (template == null || !doc.methodsOf(template).contains(method)) {
                        noRoute(method, concrete);
                    } else if (OpenApiDocument.hasParameters(template)) {
                        nothingFound(method, concrete, template);
                    }
                }
            }
        }
        assertNoMistakes("routes the document leaves out");
    }

    /** The router's 404 or a 405; a HEAD answer has no body, so any 404 stands for the router's there. */
    private void noRoute(String method, String path) throws Exception {
        Probe.Answer answer = probe.send(method, path, token, null);
        if (consolePage(method, path, answer)) {
            return;
        }
        boolean routerNotFound = answer.status() == 404
                && (method.equals("HEAD") || answer.detail().startsWith(ROUTER_404));
        if (answer.status() != 405 && !routerNotFound) {
            undocumented(method, path, answer + ": a route the document leaves out");
        }
    }

    /**
     * A literal where a documented route takes an id or a name is just an unknown one there: the route's own
     * refusal, never content. Content means a literal route hides behind the parameter.
     */
    private void nothingFound(String method, String path, String template) throws Exception {
        Probe.Answer answer = probe.send(method, path, token, null);
        if (consolePage(method, path, answer)) {
            return;
        }
        boolean refusal = answer.status() >= 400
                && answer.status() != 405
                && !(answer.status() == 404 && answer.detail().startsWith(ROUTER_404));
        if (!refusal) {
            undocumented(
                    method,
                    path,
                    answer + " where " + method + " " + template
                            + " should find nothing: a route the document leaves out");
        }
    }

    /**
     * Outside {@code /v1} and {@code /metrics} a GET of a console page ({@code /sessions}, {@code /runs/x},
     * ...) answers the console's one HTML page (ConsoleHttpTest covers that); this document is the API's.
     */
    private static boolean consolePage(String method, String path, Probe.Answer answer) {
        boolean api = path.equals("/v1")
                || path.startsWith("/v1/")
                || path.equals("/metrics")
                || path.startsWith("/metrics/");
        return !api
                && answer.status() == 200
                && (method.equals("HEAD")
                        || method.equals("GET") && answer.mediaType().equals("text/html"));
    }

    /** One line per method and documented template (or path): a new route answers many probes alike. */
    private void undocumented(String method, String path, String finding) {
        String route = method + " " + doc.templateOf(path).orElse(path);
        if (reported.add(route)) {
            mistakes.add(method + " " + path + " answered " + finding);
        }
    }

    /** The folder holding the build's modules; tests run in the daemon module's folder. */
    private static Path buildRoot() {
        Path root = Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent();
        assertTrue(Files.isDirectory(root.resolve("http/src/main/java")), "no http module sources under " + root);
        return root;
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
        return () -> it;
    }
}
