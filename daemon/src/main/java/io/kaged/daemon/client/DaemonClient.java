package io.kaged.daemon.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.daemon.config.LoadedConfig;
import io.kaged.http.tls.PinnedTrust;
import io.kaged.http.tls.TlsException;
import io.kaged.http.tls.TlsSettings;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The CLI's way to the running daemon: its URL from config ({@code kaged.http.host/port}, env, {@code
 * --port}) and its token from the kaged home. Failures become {@link ClientException}s that say what to do.
 */
public final class DaemonClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final Path tokenFile;
    private final HttpClient http;

    public DaemonClient(LoadedConfig loaded, Integer portOverride) {
        String host = loaded.config().getString("kaged.http.host");
        int port = portOverride != null ? portOverride : loaded.config().getInt("kaged.http.port");
        TlsSettings tls = TlsSettings.fromConfig(loaded.config());
        this.base = (tls.enabled() ? "https" : "http") + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + port;
        this.tokenFile = loaded.home().authToken();
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
        if (tls.enabled()) {
            try {
                builder.sslContext(PinnedTrust.context(tls.certificate()));
            } catch (TlsException e) {
                throw new ClientException(ClientException.FAILED, "TLS: " + e.getMessage());
            }
        }
        this.http = builder.build();
    }

    public String base() {
        return base;
    }

    private String token() {
        try {
            return Files.readString(tokenFile).trim();
        } catch (IOException e) {
            throw new ClientException(
                    ClientException.NOT_RUNNING,
                    "there is no token at " + tokenFile
                            + ": the daemon of this home has never started (start it with kaged serve, or pick the"
                            + " home with --mode or KAGED_HOME).");
        }
    }

    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    public JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    public JsonNode put(String path, Object body) {
        return send("PUT", path, body);
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    public static String query(Map<String, String> params) {
        String q = params.entrySet().stream()
                .filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return q.isEmpty() ? "" : "?" + q;
    }

    /** One path segment, percent-encoded: names typed by the operator go into URLs. */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A GET whose answer is text (a diff), not JSON. */
    public String getText(String path) {
        return exchange("GET", path, null);
    }

    /**
     * A GET whose answer is a stream of text lines (server-sent events), read as they come; no time-out. The
     * stream ends with the answer.
     */
    public java.util.stream.Stream<String> lines(String path) {
        return answer(
                () -> HttpRequest.newBuilder(URI.create(base + path))
                        .header("Authorization", "Bearer " + token())
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofLines(),
                lines -> lines.collect(Collectors.joining("\n")));
    }

    private JsonNode send(String method, String path, Object body) {
        String answer = exchange(method, path, body);
        try {
            return answer.isBlank() ? JSON.createObjectNode() : JSON.readTree(answer);
        } catch (IOException e) {
            throw new ClientException(
                    ClientException.FAILED, "the daemon at " + base + " answered something that is not JSON");
        }
    }

    /** The body of a successful answer; a problem answer becomes a {@link ClientException}. */
    private String exchange(String method, String path, Object body) {
        return answer(
                () -> request(URI.create(base + path), token(), method, body)
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString(),
                text -> text);
    }

    /**
     * A request to kaged's API at {@code uri}, authorized by {@code token}, with {@code body} (null for none)
     * as JSON. Public for the benchmarks, which talk to a daemon of their own.
     */
    public static HttpRequest.Builder request(URI uri, String token, String method, Object body) throws IOException {
        return HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    }

    /** Builds a request; writing its body as JSON may fail, which counts as failing to talk to the daemon. */
    private interface Request {
        HttpRequest build() throws IOException;
    }

    /**
     * The body of a successful answer to {@code request}; a problem answer, its body read as text by {@code
     * text}, becomes a {@link ClientException}, and so does failing to reach the daemon.
     */
    private <T> T answer(Request request, HttpResponse.BodyHandler<T> handler, Function<T, String> text) {
        try {
            HttpResponse<T> response = http.send(request.build(), handler);
            if (response.statusCode() >= 400) {
                String problem = text.apply(response.body());
                throw ClientException.fromProblem(
                        response.statusCode(), problem.isBlank() ? JSON.createObjectNode() : JSON.readTree(problem));
            }
            return response.body();
        } catch (ConnectException e) {
            throw notRunning();
        } catch (IOException e) {
            if (e.getCause() instanceof ConnectException) {
                throw notRunning();
            }
            throw new ClientException(
                    ClientException.FAILED, "talking to the daemon at " + base + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(ClientException.FAILED, "interrupted");
        }
    }

    private ClientException notRunning() {
        return new ClientException(
                ClientException.NOT_RUNNING,
                "the daemon is not running at " + base + " (start it with kaged serve, or give its port with --port).");
    }

    /** Opens the attach WebSocket of a session, authenticated with the token. */
    public WebSocket attach(String sessionId, boolean readOnly, WebSocket.Listener listener) {
        String ws = base.replaceFirst("^http", "ws") + "/v1/sessions/" + sessionId + "/attach"
                + (readOnly ? "?readOnly=true" : "");
        CompletableFuture<WebSocket> open = http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + token())
                .buildAsync(URI.create(ws), listener);
        try {
            return open.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConnectException
                    || e.getCause() != null && e.getCause().getCause() instanceof ConnectException) {
                throw notRunning();
            }
            throw new ClientException(ClientException.FAILED, "cannot attach to " + sessionId + ": " + e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ClientException(ClientException.FAILED, "the daemon did not accept the attach within 10 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(ClientException.FAILED, "interrupted");
        }
    }
}
