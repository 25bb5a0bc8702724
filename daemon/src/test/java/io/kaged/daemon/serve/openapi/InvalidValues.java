package io.kaged.daemon.serve.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Values a documented schema forbids (wrong type, out of range, too short or long, not in the enum, not
 * matching the pattern, not a time), to send and see the server refuse: a bound the document states but
 * the server does not enforce, or enforces differently, shows up as a non-400 answer.
 */
final class InvalidValues {

    /** One forbidden value and the rule it breaks. */
    record Invalid(String breaks, JsonNode value) {}

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final OpenApiDocument doc;

    InvalidValues(OpenApiDocument doc) {
        this.doc = doc;
    }

    /** Forbidden values of a JSON body field. */
    List<Invalid> forBody(JsonNode schemaOrRef) {
        JsonNode s = doc.resolve(schemaOrRef);
        List<Invalid> out = new ArrayList<>();
        switch (s.path("type").asText("")) {
            case "string" -> {
                out.add(new Invalid("type string", JSON.numberNode(12345)));
                strings(s, out);
            }
            case "integer" -> {
                out.add(new Invalid("type integer", JSON.textNode("12")));
                bounds(s, out);
            }
            case "boolean" -> out.add(new Invalid("type boolean", JSON.textNode("true")));
            case "array" -> {
                out.add(new Invalid("type array", JSON.textNode("x")));
                if (s.path("minItems").asInt(0) > 0) {
                    out.add(new Invalid("minItems", JSON.arrayNode()));
                }
                for (Invalid item : forBody(s.path("items"))) {
                    out.add(new Invalid(
                            "items: " + item.breaks(), JSON.arrayNode().add(item.value())));
                }
            }
            case "object" -> {
                out.add(new Invalid("type object", JSON.textNode("x")));
                JsonNode additional = s.get("additionalProperties");
                if (additional != null && additional.isObject()) {
                    for (Invalid v : forBody(additional)) {
                        out.add(new Invalid(
                                "additionalProperties: " + v.breaks(),
                                JSON.objectNode().set("A", v.value())));
                    }
                }
            }
            default -> {
                // no type: nothing is forbidden
            }
        }
        return out;
    }

    /** Forbidden values of a query or path parameter, as the text they are sent as. */
    List<Invalid> forParameter(JsonNode schemaOrRef) {
        JsonNode s = doc.resolve(schemaOrRef);
        List<Invalid> out = new ArrayList<>();
        switch (s.path("type").asText("")) {
            case "integer" -> {
                out.add(new Invalid("type integer", JSON.textNode("x")));
                bounds(s, out);
            }
            case "boolean" -> out.add(new Invalid("type boolean", JSON.textNode("maybe")));
            case "string" -> strings(s, out);
            default -> {
                // objects and arrays are not used as parameters
            }
        }
        return out;
    }

    private static void strings(JsonNode s, List<Invalid> out) {
        if (s.has("enum")) {
            out.add(new Invalid("enum", JSON.textNode("bogus-value")));
            return;
        }
        if (s.path("minLength").asInt(0) > 0) {
            out.add(new Invalid(
                    "minLength", JSON.textNode("x".repeat(s.get("minLength").asInt() - 1))));
        }
        if (s.has("maxLength")) {
            out.add(new Invalid(
                    "maxLength", JSON.textNode("x".repeat(s.get("maxLength").asInt() + 1))));
        }
        if (s.has("pattern")
                && !Pattern.compile(s.get("pattern").asText()).matcher(" ").find()) {
            out.add(new Invalid("pattern", JSON.textNode(" ")));
        }
        if (s.path("format").asText().equals("date-time")) {
            out.add(new Invalid("format date-time", JSON.textNode("yesterday")));
        }
    }

    private static void bounds(JsonNode s, List<Invalid> out) {
        if (s.has("minimum")) {
            out.add(new Invalid("minimum", JSON.numberNode(s.get("minimum").asLong() - 1)));
        }
        if (s.has("maximum")) {
            out.add(new Invalid("maximum", JSON.numberNode(s.get("maximum").asLong() + 1)));
        }
    }
}
