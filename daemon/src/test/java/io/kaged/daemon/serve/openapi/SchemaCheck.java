package io.kaged.daemon.serve.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a JSON value against an OpenAPI 3.0 schema of the document, for the keywords the document uses
 * (type, nullable, required, properties, additionalProperties, items, enum, oneOf, bounds, pattern,
 * date-time). It is stricter than JSON Schema on purpose: a property the schema does not name is an error
 * unless the schema declares {@code additionalProperties}, so a field the server sends but the document
 * leaves out is found.
 */
final class SchemaCheck {

    private final OpenApiDocument doc;

    SchemaCheck(OpenApiDocument doc) {
        this.doc = doc;
    }

    /** Every way {@code value} departs from {@code schema}; empty when it conforms. */
    List<String> check(JsonNode value, JsonNode schema) {
        List<String> out = new ArrayList<>();
        check(value, schema, "$", out);
        return out;
    }

    private void check(JsonNode v, JsonNode schemaOrRef, String at, List<String> out) {
        JsonNode s = doc.resolve(schemaOrRef);
        if (v.isNull()) {
            if (!s.path("nullable").asBoolean(false)) {
                out.add(at + " is null but not nullable");
            }
            return;
        }
        if (s.has("oneOf")) {
            for (JsonNode option : s.get("oneOf")) {
                if (check(v, option).isEmpty()) {
                    return;
                }
            }
            out.add(at + " matches none of its oneOf schemas: " + v);
            return;
        }
        if (s.has("enum") && !contains(s.get("enum"), v)) {
            out.add(at + " = " + v + " is not one of " + s.get("enum"));
        }
        switch (s.path("type").asText("")) {
            case "object" -> object(v, s, at, out);
            case "array" -> array(v, s, at, out);
            case "string" -> string(v, s, at, out);
            case "integer" -> number(v, s, at, out, true);
            case "number" -> number(v, s, at, out, false);
            case "boolean" -> {
                if (!v.isBoolean()) {
                    out.add(at + " is not a boolean: " + v);
                }
            }
            default -> {
                // no type: any value
            }
        }
    }

    private void object(JsonNode v, JsonNode s, String at, List<String> out) {
        if (!v.isObject()) {
            out.add(at + " is not an object: " + v);
            return;
        }
        s.path("required").forEach(name -> {
            if (!v.has(name.asText())) {
                out.add(at + "." + name.asText() + " is required but missing");
            }
        });
        JsonNode properties = s.path("properties");
        JsonNode additional = s.get("additionalProperties");
        v.fields().forEachRemaining(field -> {
            String where = at + "." + field.getKey();
            if (properties.has(field.getKey())) {
                check(field.getValue(), properties.get(field.getKey()), where, out);
            } else if (additional != null && additional.isObject()) {
                check(field.getValue(), additional, where, out);
            } else if (additional == null || !additional.asBoolean(true)) {
                out.add(where + " is not documented");
            }
        });
    }

    private void array(JsonNode v, JsonNode s, String at, List<String> out) {
        if (!v.isArray()) {
            out.add(at + " is not an array: " + v);
            return;
        }
        if (s.has("minItems") && v.size() < s.get("minItems").asInt()) {
            out.add(at + " has fewer than " + s.get("minItems") + " items");
        }
        for (int i = 0; i < v.size(); i++) {
            check(v.get(i), s.path("items"), at + "[" + i + "]", out);
        }
    }

    private static void string(JsonNode v, JsonNode s, String at, List<String> out) {
        if (!v.isTextual()) {
            out.add(at + " is not a string: " + v);
            return;
        }
        String text = v.asText();
        if (s.has("minLength") && text.length() < s.get("minLength").asInt()) {
            out.add(at + " is shorter than " + s.get("minLength"));
        }
        if (s.has("maxLength") && text.length() > s.get("maxLength").asInt()) {
            out.add(at + " is longer than " + s.get("maxLength"));
        }
        if (s.has("pattern")
                && !Pattern.compile(s.get("pattern").asText()).matcher(text).find()) {
            out.add(at + " = '" + text + "' does not match " + s.get("pattern").asText());
        }
        if (s.path("format").asText().equals("date-time")) {
            try {
                OffsetDateTime.parse(text);
            } catch (DateTimeParseException e) {
                out.add(at + " = '" + text + "' is not a date-time");
            }
        }
    }

    private static void number(JsonNode v, JsonNode s, String at, List<String> out, boolean integer) {
        if (integer ? !v.isIntegralNumber() : !v.isNumber()) {
            out.add(at + " is not " + (integer ? "an integer" : "a number") + ": " + v);
            return;
        }
        if (s.path("format").asText().equals("int32") && !v.canConvertToInt()) {
            out.add(at + " does not fit int32: " + v);
        }
        if (s.has("minimum") && v.decimalValue().compareTo(s.get("minimum").decimalValue()) < 0) {
            out.add(at + " is below " + s.get("minimum"));
        }
        if (s.has("maximum") && v.decimalValue().compareTo(s.get("maximum").decimalValue()) > 0) {
            out.add(at + " is above " + s.get("maximum"));
        }
    }

    private static boolean contains(JsonNode values, JsonNode v) {
        for (JsonNode allowed : values) {
            if (allowed.equals(v)) {
                return true;
            }
        }
        return false;
    }
}
