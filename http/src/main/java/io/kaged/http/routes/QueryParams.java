package io.kaged.http.routes;

import io.kaged.actors.query.Paging;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Query-string checks shared by the list routes: every mistake is a 400 naming the parameter. */
final class QueryParams {

    private QueryParams() {}

    /** Epoch milliseconds; {@code from} inclusive, {@code to} exclusive, either null for "open". */
    record TimeRange(Long from, Long to) {}

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

    /** A whole-number parameter; null if absent. */
    static Integer optionalInt(Map<String, String> params, String name, int min, int max) {
        return params.containsKey(name) ? intParam(params, name, 0, min, max) : null;
    }

    /** A non-negative whole number up to {@link Long#MAX_VALUE}; null if absent. */
    static Long optionalCount(Map<String, String> params, String name) {
        String v = params.get(name);
        if (v == null) {
            return null;
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new JsonBodies.BadRequest(
                    "Parameter '" + name + "' must be a whole number from 0 to " + Long.MAX_VALUE + ".");
        }
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

    /**
     * A time range of two parameters, {@code from} inclusive and {@code to} exclusive, as epoch
     * milliseconds (either may be null); a range that ends before it starts is a mistake, not an empty list.
     */
    static TimeRange timeRange(Map<String, String> params, String from, String to) {
        Long start = time(params, from);
        Long end = time(params, to);
        if (start != null && end != null && start >= end) {
            throw new JsonBodies.BadRequest("Parameter '" + from + "' must be earlier than '" + to + "'.");
        }
        return new TimeRange(start, end);
    }

    static boolean bool(Map<String, String> params, String name) {
        String v = params.get(name);
        if (v == null || v.equals("false")) {
            return false;
        }
        if (v.equals("true")) {
            return true;
        }
        throw new JsonBodies.BadRequest("Parameter '" + name + "' must be true or false.");
    }

    /** A free-text parameter of 1 to {@code maxLength} characters; null if absent. */
    static String text(Map<String, String> params, String name, int maxLength) {
        String v = params.get(name);
        if (v != null && (v.isEmpty() || v.length() > maxLength)) {
            throw new JsonBodies.BadRequest("Parameter '" + name + "' must hold 1 to " + maxLength + " characters.");
        }
        return v;
    }

    private static final Pattern ID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", Pattern.CASE_INSENSITIVE);

    /**
     * {@code limit} (1 to 1000, default 100), {@code offset}, {@code order} ({@code asc}: oldest first,
     * {@code desc}: newest first) and the keyset cursor, which a list may accept under several names that
     * mean the same (at most one of them given).
     */
    static Paging paging(Map<String, String> params, List<String> cursorNames, boolean newestFirstByDefault) {
        String cursor = null;
        String cursorName = null;
        for (String name : cursorNames) {
            String v = params.get(name);
            if (v == null) {
                continue;
            }
            if (cursorName != null) {
                throw new JsonBodies.BadRequest(
                        "Parameters '" + cursorName + "' and '" + name + "' are the same cursor; give one.");
            }
            if (!ID.matcher(v).matches()) {
                throw new JsonBodies.BadRequest("Parameter '" + name
                        + "' must be an id, such as the 'next' of the previous page (a UUID like"
                        + " 01934f0e-8a1b-7c2d-9e3f-0123456789ab).");
            }
            cursor = v.toLowerCase(java.util.Locale.ROOT);
            cursorName = name;
        }
        String order = oneOf(params, "order", Set.of("asc", "desc"));
        return new Paging(
                cursor,
                order == null ? newestFirstByDefault : order.equals("desc"),
                intParam(params, "limit", Paging.DEFAULT_LIMIT, 1, Paging.MAX_LIMIT),
                intParam(params, "offset", 0, 0, Integer.MAX_VALUE));
    }
}
