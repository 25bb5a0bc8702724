package io.kaged.daemon.serve.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Requests made from the served OpenAPI document, each a valid request with one thing broken: every
 * operation's body as a whole, every body field, every query parameter and every path parameter, each
 * mutated every way in {@link #FIELD_MUTATIONS}, {@link #QUERY_MUTATIONS} and {@link #PATH_MUTATIONS}.
 * The valid request is the documented one on real resources, with commands replaced by {@code true} so
 * that what starts ends at once.
 */
final class ApiMutations {

    /** One request to send; {@code what} names the operation and what was broken. */
    record Request(String method, String pathAndQuery, byte[] body, String what) {
        @Override
        public String toString() {
            return what;
        }
    }

    static final List<String> FIELD_MUTATIONS = List.of(
            "wrong type", "null", "huge", "nested", "invalid UTF-8", "NUL", "missing", "inner null", "inner wrong");
    static final List<String> QUERY_MUTATIONS =
            List.of("wrong type", "empty", "long", "too long", "invalid UTF-8", "NUL", "twice", "huge number");
    static final List<String> PATH_MUTATIONS =
            List.of("unknown", "too long", "invalid UTF-8", "NUL", "dot-dot", "slash", "non-ASCII");

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String UNKNOWN_ID = "00000000-0000-7000-8000-000000000000";
    private static final byte[] INVALID_UTF8 = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF};

    private final OpenApiDocument doc;
    private final Map<String, String> ids;

    /** {@code ids}: a real value for each path parameter name. */
    ApiMutations(OpenApiDocument doc, Map<String, String> ids) {
        this.doc = doc;
        this.ids = ids;
    }

    List<Request> all() {
        List<Request> out = new ArrayList<>();
        for (OpenApiDocument.Operation op : doc.operations()) {
            if (doc.requestSchema(op).isPresent()) {
                wholeBodies(op, out);
                fields(op, out);
            }
            queries(op, out);
            paths(op, out);
        }
        return out;
    }

    /** The documented valid body: required fields of the example, commands that end at once. */
    ObjectNode validBody(OpenApiDocument.Operation op) {
        ObjectNode body = doc.minimalBody(op);
        if (body.has("command")) {
            body.set("command", JSON.arrayNode().add("true"));
        }
        return body;
    }

    private String path(OpenApiDocument.Operation op) {
        return OpenApiDocument.fill(op.path(), ids);
    }

    private Map<String, String> requiredQuery(OpenApiDocument.Operation op) {
        Map<String, String> query = new LinkedHashMap<>();
        for (JsonNode p : op.parameters()) {
            if (p.path("in").asText().equals("query") && p.path("required").asBoolean(false)) {
                query.put(p.get("name").asText(), p.get("example").asText());
            }
        }
        return query;
    }

    private String target(OpenApiDocument.Operation op) {
        return path(op) + OpenApiDocument.query(requiredQuery(op));
    }

    private void wholeBodies(OpenApiDocument.Operation op, List<Request> out) {
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        for (String text : List.of("null", "[]", "[{}]", "42", "\"text\"", "true", "{", "{} {}", "", " ")) {
            bodies.put("body " + (text.isBlank() ? "empty" : text), utf8(text));
        }
        bodies.put("body nested 100,000 deep", utf8("{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}"));
        bodies.put("body of invalid UTF-8", concat(utf8("{\"a\":\""), INVALID_UTF8, utf8("\"}")));
        bodies.put("body of 2 MiB", utf8("{\"a\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}"));
        bodies.put("body with a field twice", utf8("{\"a\":1,\"a\":1}"));
        bodies.put(
                "body with an unknown field",
                utf8(validBody(op).put("notAField", 1).toString()));
        bodies.forEach((what, body) -> out.add(new Request(op.method(), target(op), body, op.name() + ": " + what)));
    }

    private void fields(OpenApiDocument.Operation op, List<Request> out) {
        JsonNode schema = doc.requestSchema(op).orElseThrow();
        schema.path("properties").fields().forEachRemaining(property -> {
            String field = property.getKey();
            String type = doc.resolve(property.getValue()).path("type").asText("");
            for (String mutation : FIELD_MUTATIONS) {
                ObjectNode body = validBody(op);
                byte[] bytes = mutate(body, field, type, mutation);
                if (bytes != null) {
                    out.add(new Request(
                            op.method(), target(op), bytes, op.name() + ": field '" + field + "' " + mutation));
                }
            }
        });
    }

    /** The body with {@code field} broken; null when the mutation does not apply to its type. */
    private static byte[] mutate(ObjectNode body, String field, String type, String mutation) {
        switch (mutation) {
            case "wrong type" -> body.set(field, wrongType(type));
            case "null" -> body.set(field, JSON.nullNode());
            case "huge" -> body.set(field, huge(type));
            case "nested" -> body.set(field, nested(70));
            case "NUL" -> body.set(field, withNul(type));
            case "missing" -> body.remove(field);
            case "inner null", "inner wrong" -> {
                JsonNode inner = mutation.equals("inner null") ? JSON.nullNode() : JSON.arrayNode();
                if (type.equals("array")) {
                    body.set(field, JSON.arrayNode().add("x").add(inner));
                } else if (type.equals("object")) {
                    body.set(field, JSON.objectNode().set("A", inner));
                } else {
                    return null;
                }
            }
            case "invalid UTF-8" -> {
                body.put(field, "MARK");
                String text = body.toString();
                int at = text.indexOf("\"MARK\"") + 1;
                return concat(utf8(text.substring(0, at)), INVALID_UTF8, utf8(text.substring(at + 4)));
            }
            default -> throw new IllegalArgumentException(mutation);
        }
        return utf8(body.toString());
    }

    private static JsonNode wrongType(String type) {
        return switch (type) {
            case "string" -> JSON.numberNode(12);
            case "array" -> JSON.objectNode().put("a", 1);
            case "object" -> JSON.arrayNode().add(1);
            default -> JSON.textNode("12");
        };
    }

    private static JsonNode huge(String type) {
        return switch (type) {
            case "integer", "number" -> JSON.numberNode(new java.math.BigInteger("9".repeat(400)));
            case "array" -> {
                ArrayNode many = JSON.arrayNode();
                for (int i = 0; i < 50_000; i++) {
                    many.add("x");
                }
                yield many;
            }
            case "object" -> {
                ObjectNode many = JSON.objectNode();
                for (int i = 0; i < 20_000; i++) {
                    many.put("K" + i, "v");
                }
                yield many;
            }
            default -> JSON.textNode("x".repeat(500_000));
        };
    }

    private static JsonNode withNul(String type) {
        return switch (type) {
            case "array" -> JSON.arrayNode().add("a\u0000b");
            case "object" -> JSON.objectNode().put("A", "a\u0000b");
            default -> JSON.textNode("a\u0000b");
        };
    }

    private static JsonNode nested(int depth) {
        JsonNode node = JSON.textNode("deep");
        for (int i = 0; i < depth; i++) {
            node = JSON.arrayNode().add(node);
        }
        return node;
    }

    private void queries(OpenApiDocument.Operation op, List<Request> out) {
        for (JsonNode p : op.parameters()) {
            if (!p.path("in").asText().equals("query")) {
                continue;
            }
            String name = p.get("name").asText();
            for (String mutation : QUERY_MUTATIONS) {
                Map<String, String> query = new LinkedHashMap<>(requiredQuery(op));
                String raw =
                        switch (mutation) {
                            case "wrong type" ->
                                enc(name) + "="
                                        + enc(
                                                p.path("schema")
                                                                .path("type")
                                                                .asText()
                                                                .equals("string")
                                                        ? "\u00e9\u2603"
                                                        : "x");
                            case "empty" -> enc(name) + "=";
                            case "long" -> enc(name) + "=" + "x".repeat(1500);
                            case "too long" -> enc(name) + "=" + "x".repeat(3000);
                            case "invalid UTF-8" -> enc(name) + "=%C3%28%FF";
                            case "NUL" -> enc(name) + "=a%00b";
                            case "twice" -> enc(name) + "=1&" + enc(name) + "=2";
                            case "huge number" -> enc(name) + "=" + "9".repeat(40);
                            default -> throw new IllegalArgumentException(mutation);
                        };
                query.remove(name);
                String rest = OpenApiDocument.query(query);
                String target = path(op) + (rest.isEmpty() ? "?" + raw : rest + "&" + raw);
                out.add(new Request(
                        op.method(), target, bodyFor(op), op.name() + ": parameter '" + name + "' " + mutation));
            }
            if (p.path("required").asBoolean(false)) {
                Map<String, String> query = new LinkedHashMap<>(requiredQuery(op));
                query.remove(name);
                out.add(new Request(
                        op.method(),
                        path(op) + OpenApiDocument.query(query),
                        bodyFor(op),
                        op.name() + ": parameter '" + name + "' missing"));
            }
        }
        Map<String, String> query = new LinkedHashMap<>(requiredQuery(op));
        query.put("notAParameter", "1");
        out.add(new Request(
                op.method(), path(op) + OpenApiDocument.query(query), bodyFor(op), op.name() + ": unknown parameter"));
    }

    private void paths(OpenApiDocument.Operation op, List<Request> out) {
        for (String name : OpenApiDocument.parameterNames(op.path())) {
            for (String mutation : PATH_MUTATIONS) {
                Map<String, String> values = new HashMap<>(ids);
                values.put(
                        name,
                        switch (mutation) {
                            case "unknown" -> name.equals("version") ? "999" : UNKNOWN_ID;
                            case "too long" -> "x".repeat(5000);
                            case "invalid UTF-8" -> "%C3%28%FF";
                            case "NUL" -> "a%00b";
                            case "dot-dot" -> "..";
                            case "slash" -> "a%2Fb";
                            case "non-ASCII" -> enc("\u00e9t\u00e9-\u2603");
                            default -> throw new IllegalArgumentException(mutation);
                        });
                out.add(new Request(
                        op.method(),
                        OpenApiDocument.fill(op.path(), values) + OpenApiDocument.query(requiredQuery(op)),
                        bodyFor(op),
                        op.name() + ": path '" + name + "' " + mutation));
            }
        }
    }

    private byte[] bodyFor(OpenApiDocument.Operation op) {
        return doc.requestSchema(op).isPresent() ? utf8(validBody(op).toString()) : null;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
