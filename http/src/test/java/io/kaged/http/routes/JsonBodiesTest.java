package io.kaged.http.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonBodiesTest {

    record Body(List<String> command, Map<String, String> env, Integer cols, String name) {}

    private static String refusal(String json) {
        return assertThrows(JsonBodies.BadRequest.class, () -> JsonBodies.parse(json, Body.class))
                .getMessage();
    }

    @Test
    void readsAnObjectWithItsFields() {
        Body b = JsonBodies.parse("{\"command\":[\"sh\"],\"env\":{\"A\":\"1\"},\"cols\":80}", Body.class);
        assertEquals(List.of("sh"), b.command());
        assertEquals(80, b.cols());
        assertNull(b.name());
    }

    @Test
    void refusesAnythingButOneObject() {
        for (String body : List.of("null", "[]", "42", "\"x\"", "true")) {
            assertTrue(refusal(body).startsWith("The body must be a JSON object"), body + ": " + refusal(body));
        }
        assertEquals("The request needs a JSON body.", refusal("  \n"));
        assertTrue(refusal("{} {}").startsWith("The body holds more than one JSON value"), refusal("{} {}"));
    }

    @Test
    void refusesNestingPastTheLimitWhileReading() {
        String deep = "{\"name\":" + "[".repeat(1_000_000) + "]".repeat(1_000_000) + "}";
        assertTrue(refusal(deep).contains("deeper than " + JsonBodies.MAX_DEPTH), refusal(deep));
        String within = "{\"env\":" + "[".repeat(JsonBodies.MAX_DEPTH - 1) + "]".repeat(JsonBodies.MAX_DEPTH - 1) + "}";
        assertTrue(refusal(within).startsWith("Field 'env' has the wrong type"), refusal(within));
    }

    @Test
    void refusesInvalidUtf8() {
        byte[] bytes = "{\"name\":\"ab\"}".getBytes(StandardCharsets.UTF_8);
        bytes[9] = (byte) 0xFF;
        JsonBodies.BadRequest e = assertThrows(JsonBodies.BadRequest.class, () -> JsonBodies.parse(bytes, Body.class));
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    @Test
    void namesTheFieldOfEachMistake() {
        assertEquals("Field 'env.A' must not be null.", refusal("{\"env\":{\"A\":null}}"));
        assertEquals("Field 'command[1]' must not be null.", refusal("{\"command\":[\"a\",null]}"));
        assertTrue(refusal("{\"cols\":\"80\"}").startsWith("Field 'cols' has the wrong type"));
        assertTrue(refusal("{\"cols\":80.5}").startsWith("Field 'cols' has the wrong type"));
        assertTrue(refusal("{\"name\":80}").startsWith("Field 'name' has the wrong type"));
        assertTrue(refusal("{\"other\":1}").startsWith("Unknown field 'other'. Known fields: cols, command"));
        assertTrue(
                refusal("{\"name\":1,\"name\":2}").contains("Duplicate field 'name'"),
                refusal("{\"name\":1,\"name\":2}"));
        String overflow = refusal("{\"cols\":99999999999}");
        assertTrue(overflow.startsWith("Field 'cols' "), overflow);
    }

    @Test
    void neverShowsJacksonsInternals() {
        for (String body : List.of("{", "{\"a\"", "{} {}", "{\"cols\":\"x\"}", "{\"name\":[1]}", "{\"cols\":1e999}")) {
            String m = refusal(body);
            assertTrue(!m.contains("com.fasterxml") && !m.contains("java.") && !m.contains("Source:"), body + ": " + m);
        }
    }
}
