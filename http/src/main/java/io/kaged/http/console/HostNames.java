package io.kaged.http.console;

import java.util.Locale;
import java.util.Optional;

/** Host names as the Host and Origin headers carry them: {@code name[:port]}, IPv6 in brackets. */
final class HostNames {

    private HostNames() {}

    /** Lower case, IPv6 without brackets. */
    static String normalize(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    /** The host name of a Host header value ({@code [::1]:7480} → {@code ::1}); empty if it is malformed. */
    static Optional<String> nameOf(String authority) {
        String a = authority.trim();
        if (a.isEmpty()) {
            return Optional.empty();
        }
        if (a.startsWith("[")) {
            int close = a.indexOf(']');
            if (close < 0 || close + 1 < a.length() && !port(a.substring(close + 1))) {
                return Optional.empty();
            }
            return Optional.of(normalize(a.substring(0, close + 1)));
        }
        int colon = a.indexOf(':');
        if (colon >= 0 && (a.indexOf(':', colon + 1) >= 0 || !port(a.substring(colon)))) {
            return Optional.empty();
        }
        return Optional.of(normalize(colon < 0 ? a : a.substring(0, colon)));
    }

    private static boolean port(String colonAndDigits) {
        return colonAndDigits.matches(":[0-9]{1,5}");
    }
}
