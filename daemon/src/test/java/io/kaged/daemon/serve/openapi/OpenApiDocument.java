package io.kaged.daemon.serve.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The served OpenAPI document as the completeness test reads it: its operations, their parameters, bodies
 * and documented answers, and which (method, concrete path) pairs it documents. Only what the test needs
 * of OpenAPI 3.0 is read; {@code OpenApiDocumentTest} in the http module checks the whole is valid.
 */
final class OpenApiDocument {

    static final Set<String> OPERATION_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch");
    private static final Pattern PARAM = Pattern.compile("\\{([^}/]+)}");

    /** One documented operation. */
    record Operation(String method, String path, JsonNode node, List<JsonNode> parameters) {

        String name() {
            return method + " " + path;
        }

        /** Open to requests without a token: its {@code security} is empty or allows "none". */
        boolean open() {
            JsonNode security = node.get("security");
            if (security == null) {
                return false;
            }
            for (JsonNode requirement : security) {
                if (requirement.isEmpty()) {
                    return true;
                }
            }
            return security.isEmpty();
        }

        Set<String> statuses() {
            Set<String> codes = new TreeSet<>();
            node.path("responses").fieldNames().forEachRemaining(codes::add);
            return codes;
        }

        boolean hasBody() {
            return node.has("requestBody");
        }
    }

    private final JsonNode root;
    private final List<Operation> operations = new ArrayList<>();

    private OpenApiDocument(JsonNode root) {
        this.root = root;
        root.path("paths").fields().forEachRemaining(path -> {
            JsonNode item = path.getValue();
            item.fields().forEachRemaining(field -> {
                if (OPERATION_METHODS.contains(field.getKey())) {
                    List<JsonNode> params = new ArrayList<>();
                    item.path("parameters").forEach(p -> params.add(resolve(p)));
                    field.getValue().path("parameters").forEach(p -> params.add(resolve(p)));
                    operations.add(new Operation(
                            field.getKey().toUpperCase(java.util.Locale.ROOT),
                            path.getKey(),
                            field.getValue(),
                            params));
                }
            });
        });
    }

    static OpenApiDocument parse(byte[] json) throws IOException {
        return new OpenApiDocument(new ObjectMapper().readTree(json));
    }

    JsonNode root() {
        return root;
    }

    List<Operation> operations() {
        return operations;
    }

    Set<String> paths() {
        Set<String> paths = new TreeSet<>();
        root.path("paths").fieldNames().forEachRemaining(paths::add);
        return paths;
    }

    Set<String> methodsOf(String path) {
        Set<String> methods = new TreeSet<>();
        for (Operation op : operations) {
            if (op.path().equals(path)) {
                methods.add(op.method());
            }
        }
        return methods;
    }

    /** The documented path template that {@code concretePath} is an instance of, if any. */
    Optional<String> templateOf(String concretePath) {
        for (String template : paths()) {
            if (regex(template).matcher(concretePath).matches()) {
                return Optional.of(template);
            }
        }
        return Optional.empty();
    }

    static boolean hasParameters(String template) {
        return PARAM.matcher(template).find();
    }

    /** The literal segments of a template: everything but its {parameters}. */
    static List<String> literals(String template) {
        List<String> out = new ArrayList<>();
        for (String segment : template.split("/")) {
            if (!segment.isEmpty() && !PARAM.matcher(segment).matches()) {
                out.add(segment);
            }
        }
        return out;
    }

    /** The template with each {name} replaced by {@code values.get(name)}. */
    static String fill(String template, Map<String, String> values) {
        Matcher m = PARAM.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for {" + m.group(1) + "} in " + template);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    static List<String> parameterNames(String template) {
        List<String> names = new ArrayList<>();
        Matcher m = PARAM.matcher(template);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static Pattern regex(String template) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        Matcher m = PARAM.matcher(template);
        while (m.find()) {
            out.append(Pattern.quote(template.substring(at, m.start()))).append("[^/]+");
            at = m.end();
        }
        out.append(Pattern.quote(template.substring(at)));
        return Pattern.compile(out.toString());
    }

    /** Follows a local {@code $ref} ("#/components/..."); anything else is returned as it is. */
    JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        while (current != null && current.has("$ref")) {
            String ref = current.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                throw new IllegalArgumentException("only local references are followed: " + ref);
            }
            current = root.at(ref.substring(1));
            if (current.isMissingNode()) {
                throw new IllegalArgumentException("dangling reference " + ref);
            }
        }
        return current;
    }

    /** The documented response for a status, resolved; null when that status is not documented. */
    JsonNode response(Operation op, int status) {
        JsonNode r = op.node().path("responses").get(String.valueOf(status));
        return r == null ? null : resolve(r);
    }

    /** The JSON request body schema, resolved; empty without one. */
    Optional<JsonNode> requestSchema(Operation op) {
        JsonNode media = resolve(op.node().path("requestBody")).path("content").path("application/json");
        return media.has("schema") ? Optional.of(resolve(media.get("schema"))) : Optional.empty();
    }

    Optional<JsonNode> requestExample(Operation op) {
        JsonNode media = resolve(op.node().path("requestBody")).path("content").path("application/json");
        return Optional.ofNullable(media.get("example"));
    }

    boolean bodyRequired(Operation op) {
        return resolve(op.node().path("requestBody")).path("required").asBoolean(false);
    }

    /** The example with only its schema's required fields: the smallest body the docs call valid. */
    ObjectNode minimalBody(Operation op) {
        JsonNode schema = requestSchema(op).orElseThrow();
        ObjectNode example = (ObjectNode) requestExample(op).orElseThrow();
        ObjectNode minimal = example.objectNode();
        schema.path("required").forEach(name -> minimal.set(name.asText(), example.get(name.asText())));
        return minimal;
    }

    /** The required query parameters filled with their examples, as a query string ("" when none). */
    static String requiredQuery(Operation op) {
        Map<String, String> query = new LinkedHashMap<>();
        for (JsonNode p : op.parameters()) {
            if (p.path("in").asText().equals("query") && p.path("required").asBoolean(false)) {
                query.put(p.get("name").asText(), p.get("example").asText());
            }
        }
        return query(query);
    }

    static String query(Map<String, String> params) {
        StringBuilder out = new StringBuilder();
        for (Iterator<Map.Entry<String, String>> it = params.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, String> e = it.next();
            out.append(out.length() == 0 ? "?" : "&")
                    .append(e.getKey())
                    .append('=')
                    .append(java.net.URLEncoder.encode(e.getValue(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return out.toString();
    }
}
