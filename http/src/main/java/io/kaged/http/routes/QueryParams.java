package io.kaged.http.routes;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;

/** Query-string checks shared by the list routes: every mistake is a 400 naming the parameter. */
final class QueryParams {

    private QueryParams() {}

    static void requireKnown(Map<String, String> params, Set<String> known) {
        for (String p : params.keySet()) {
            if (!known.contains(p)) {
                throw new JsonBodies.BadRequest("Unknown query parameter '" + p + "'. Known: "
                        + String.join(", ", known.stream().sorted().toList()) + ".");
            }
        }
    }

    /** The parameter's value if it is one of {@code allowed}; null if absent. */
    static String oneOf(Map<String, String> params, String name, Set<String> allowed) {
        String v = params.get(name);
        if (v != null && !allowed.contains(v)) {
            throw new JsonBodies.BadRequest("Parameter '" + name + "' must be one of "
                    + String.join(", ", allowed.stream().sorted().toList()) + ".");
        }
        return v;
    }

    static int intParam(Map<String, String> params, String name, int dflt, int min, int max) {
        String v = params.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new JsonBodies.BadRequest(
                    "Parameter '" + name + "' must be a whole number from " + min + " to " + max + ".");
        }
    }

    /** An ISO-8601 time parameter as epoch milliseconds; null if absent. */
    static Long time(Map<String, String> params, String name) {
        String v = params.get(name);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new JsonBodies.BadRequest(
                    "Parameter '" + name + "' must be an ISO-8601 UTC time such as 2026-11-22T10:00:00Z.");
        }
    }
}
