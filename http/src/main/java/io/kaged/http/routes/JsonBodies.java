package io.kaged.http.routes;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/**
 * Strict JSON request bodies: the body must be UTF-8 text holding one JSON object, nested at most {@value
 * #MAX_DEPTH} levels; unknown fields, duplicate fields, wrong types (no "80" for 80), {@code null} inside
 * an array or map and trailing garbage are refused. Each refusal is a sentence naming the field, so a
 * client's mistake never becomes a half-understood request.
 *
 * <p>The depth is enforced by the streaming parser as it reads, so a hostile document of a million
 * brackets is refused at its 65th, before any tree of it is built.
 */
public final class JsonBodies {

    /** Deepest nesting of arrays and objects a body may have; kaged's own bodies need fewer than 10. */
    public static final int MAX_DEPTH = 64;

    /** A request body that cannot be used; becomes a 400 problem. */
    public static final class BadRequest extends RuntimeException {
        public BadRequest(String message) {
            super(message);
        }
    }

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    public static final ObjectMapper STRICT = JsonMapper.builder(FACTORY)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            // the feature above stops "80" becoming 80 but not 80 becoming "80": refuse that too
            .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .defaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL))
            .build();

    private static final int MAX_ECHO = 200;

    private JsonBodies() {}

    /** A body of {@code type}, a record whose fields are the JSON object's. */
    public static <T> T parse(byte[] body, Class<T> type) {
        return bind(tree(utf8(body)), type);
    }

    public static <T> T parse(String body, Class<T> type) {
        return parse(body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), type);
    }

    static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    private static String utf8(byte[] body) {
        if (isBlank(body)) {
            throw new BadRequest("The request needs a JSON body.");
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BadRequest("The body is not valid UTF-8 text; send JSON encoded as UTF-8.");
        }
    }

    private static JsonNode tree(String text) {
        JsonNode tree;
        try {
            tree = STRICT.readTree(text);
        } catch (StreamConstraintsException e) {
            if (String.valueOf(e.getOriginalMessage()).contains("nesting depth")) {
                throw new BadRequest("The body nests arrays and objects deeper than " + MAX_DEPTH
                        + " levels; no kaged request needs more than a few.");
            }
            throw new BadRequest("The body holds a value too long to read: " + echo(e) + ".");
        } catch (MismatchedInputException e) {
            // the one mismatch a tree can have: more after the first value
            throw new BadRequest(
                    "The body holds more than one JSON value" + where(e.getLocation()) + "; send exactly one object.");
        } catch (JsonProcessingException e) {
            throw new BadRequest("The body is not valid JSON" + where(e.getLocation()) + ": " + echo(e) + ".");
        }
        if (tree == null || tree.isMissingNode()) {
            throw new BadRequest("The request needs a JSON body.");
        }
        if (!tree.isObject()) {
            throw new BadRequest(
                    "The body must be a JSON object such as {\"field\": \"value\"}, not " + kind(tree) + ".");
        }
        return tree;
    }

    private static <T> T bind(JsonNode tree, Class<T> type) {
        try {
            return STRICT.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds().stream()
                    .map(Object::toString)
                    .sorted()
                    .collect(Collectors.joining(", "));
            throw new BadRequest("Unknown field '" + e.getPropertyName() + "'. Known fields: " + known + ".");
        } catch (InvalidNullException e) {
            throw new BadRequest(fieldOf(e) + " must not be null.");
        } catch (MismatchedInputException e) {
            throw new BadRequest(fieldOf(e) + " has the wrong type or shape"
                    + (e.getTargetType() != null ? ": expected " + describe(e.getTargetType()) : "") + ".");
        } catch (JsonMappingException e) {
            throw new BadRequest(fieldOf(e) + " cannot be used as given; see GET /v1/openapi.json for its form.");
        } catch (InputCoercionException e) {
            throw new BadRequest("A number in the body is out of range: " + echo(e) + ".");
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new BadRequest("The body cannot be used: " + e.getClass().getSimpleName() + ".");
        }
    }

    private static String where(JsonLocation at) {
        return at == null || at.getLineNr() < 1
                ? ""
                : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    /**
     * Jackson's own words about the client's JSON, first line only, without its notes on where the source
     * came from (which name Jackson's settings), and bounded.
     */
    private static String echo(JsonProcessingException e) {
        String m = String.valueOf(e.getOriginalMessage());
        for (String cut : new String[] {"\n", " at [Source", " (start marker at", " (for ", " (from `", "; from `"}) {
            int at = m.indexOf(cut);
            m = at >= 0 ? m.substring(0, at) : m;
        }
        m = m.replace("`", "'").strip();
        return m.length() > MAX_ECHO ? m.substring(0, MAX_ECHO) + "..." : m;
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case NULL -> "null";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> node.asText();
            default -> "that";
        };
    }

    private static String fieldOf(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "The body" : "Field '" + path + "'";
    }

    private static String describe(Class<?> type) {
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "a whole number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (java.util.List.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    /**
     * Refuses the NUL character in a text field that is stored or handed to the OS: PostgreSQL text cannot
     * hold it, and neither can an argv, a path or an environment variable.
     */
    public static void noNul(String field, String value) {
        if (value != null && value.indexOf('\0') >= 0) {
            throw new BadRequest("Field '" + field + "' must not contain the NUL character (\\u0000).");
        }
    }

    public static void noNul(String field, java.util.Collection<String> values) {
        if (values != null) {
            values.forEach(v -> noNul(field, v));
        }
    }
}
