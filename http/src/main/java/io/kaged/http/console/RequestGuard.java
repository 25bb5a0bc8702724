package io.kaged.http.console;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * The checks that make a cookie safe to accept. The Host must be one of the configured names, so a DNS
 * rebinding page (whose Host is its own name) is refused; the Origin, when a browser sends one, must be this
 * very host, so another site cannot drive the API with the user's cookie. Cookie-authenticated requests
 * that change state and WebSocket upgrades must carry an Origin: browsers always send it there, so a missing
 * one is not a browser on this console's page.
 */
final class RequestGuard {

    private final Set<String> hosts;

    RequestGuard(Set<String> hosts) {
        this.hosts = hosts;
    }

    /** Why {@code request} may not use the console (its pages, login or cookie), or empty if it may. */
    Optional<String> refusal(HttpRequest request, boolean originRequired) {
        Optional<String> host = header(request, "Host");
        Optional<String> name = host.flatMap(HostNames::nameOf);
        if (name.isEmpty() || !hosts.contains(name.get())) {
            return Optional.of("The Host '" + host.orElse("") + "' is not a name of this daemon; the console"
                    + " answers only to "
                    + String.join(", ", hosts.stream().sorted().toList())
                    + " (add names to kaged.http.console.hosts).");
        }
        return originRefusal(request, host.get(), originRequired);
    }

    /** Why the Origin of {@code request} is refused (present and foreign, or required and missing). */
    Optional<String> originRefusal(HttpRequest request, String host, boolean required) {
        Optional<String> origin = header(request, "Origin");
        if (origin.isEmpty()) {
            return required
                    ? Optional.of("A request with the console's cookie that changes state, or opens a WebSocket,"
                            + " must carry an Origin header naming this host.")
                    : Optional.empty();
        }
        String expected = (secure(request) ? "https" : "http") + "://" + host;
        return origin.get().toLowerCase(Locale.ROOT).equals(expected.toLowerCase(Locale.ROOT))
                ? Optional.empty()
                : Optional.of("The Origin '" + origin.get() + "' is not this console (" + expected + ").");
    }

    /** Over TLS; a WebSocket upgrade's URI says {@code ws} or {@code wss}, its page's Origin http(s). */
    static boolean secure(HttpRequest request) {
        String scheme = request.getUri().scheme();
        return scheme.equals("https") || scheme.equals("wss");
    }

    static boolean changesState(HttpRequest request) {
        return !(request.method().equals(HttpMethods.GET)
                || request.method().equals(HttpMethods.HEAD)
                || request.method().equals(HttpMethods.OPTIONS));
    }

    static boolean isWebSocketUpgrade(HttpRequest request) {
        return header(request, "Upgrade")
                .map(v -> v.equalsIgnoreCase("websocket"))
                .orElse(false);
    }

    static Optional<String> header(HttpRequest request, String name) {
        return request.getHeader(name).map(HttpHeader::value);
    }
}
