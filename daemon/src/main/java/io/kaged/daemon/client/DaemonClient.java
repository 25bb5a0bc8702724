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
 * The CLI's way to the running daemon. Where it goes: with {@code --port}, the configured host on that
 * port; else {@code $KAGED_SOCKET}, the API's Unix socket inside a sandbox without network (ADR-0072); else
 * {@code $KAGED_URL}, what a run is told; else the configured {@code kaged.http.host/port}. Its token: a
 * run's scoped {@code $KAGED_TOKEN} when set, else the home's. Failures become {@link ClientException}s
 * that say what to do.
 */
public final class DaemonClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final Path tokenFile;
    private final String envToken;
    private final HttpClient http;
    /** Non-null when the daemon is reached through its Unix socket instead of TCP. */
    private final UnixSocketHttp socket;

    public DaemonClient(LoadedConfig loaded, Integer portOverride) {
        this(loaded, portOverride, Map.of());
    }

    /** @param env the process's environment: {@code KAGED_SOCKET}, {@code KAGED_URL}, {@code KAGED_TOKEN} */
    public DaemonClient(LoadedConfig loaded, Integer portOverride, Map<String, String> env) {
        String socketPath = blankToNull(env.get("KAGED_SOCKET"));
        String url = blankToNull(env.get("KAGED_URL"));
        this.tokenFile = loaded.home().authToken();
        this.envToken = blankToNull(env.get("KAGED_TOKEN"));
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
        if (portOverride == null && socketPath != null) {
            if (blankToNull(env.get("KAGED_CA_CERT")) != null) {
                // the socket relays to the port byte for byte, so it speaks TLS when the port does
                throw new ClientException(
                        ClientException.FAILED,
                        "the daemon's port serves TLS, and the kaged CLI speaks plain HTTP over $KAGED_SOCKET; use"
                                + " curl --unix-socket \"$KAGED_SOCKET\" --cacert \"$KAGED_CA_CERT\" https://localhost/v1/...");
            }
            this.socket = new UnixSocketHttp(Path.of(socketPath));
            this.base = "unix:" + socketPath;
            this.http = null;
            return;
        }
        this.socket = null;
        if (portOverride == null && url != null) {
            this.base = url.replaceAll("/+$", "");
            String ca = blankToNull(env.get("KAGED_CA_CERT"));
            if (base.startsWith("https:")) {
                TlsSettings tls = TlsSettings.fromConfig(loaded.config());
                Path certificate = ca != null ? Path.of(ca) : tls.enabled() ? tls.certificate() : null;
                if (certificate != null) {
                    builder.sslContext(pinned(certificate));
                }
            }
            this.http = builder.build();
            return;
        }
        String host = loaded.config().getString("kaged.http.host");
        int port = portOverride != null ? portOverride : loaded.config().getInt("kaged.http.port");
        TlsSettings tls = TlsSettings.fromConfig(loaded.config());
        this.base = (tls.enabled() ? "https" : "http") + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + port;
        if (tls.enabled()) {
            builder.sslContext(pinned(tls.certificate()));
        }
        this.http = builder.build();
    }

    private static javax.net.ssl.SSLContext pinned(Path certificate) {
        try {
            return PinnedTrust.context(certificate);
        } catch (TlsException e) {
            throw new ClientException(ClientException.FAILED, "TLS: " + e.getMessage());
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** Where the daemon is reached: an http(s) URL, or {@code unix:PATH} for its socket. */
    public String base() {
        return base;
    }

    private String token() {
        if (envToken != null) {
            return envToken;
        }
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

    /**
     * {@code base} and {@code path}, with what is not legal in a URI percent-encoded (what is encoded already
     * stays): an id typed wrong (with a space, say) then reaches the daemon, whose 404 says what is wrong,
     * rather than failing in the client with an exception of its own.
     */
    static URI uri(String base, String path) {
        StringBuilder quoted = new StringBuilder(path.length());
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c >= 0x7f || "\"<>\\^`{|}".indexOf(c) >= 0) {
                quoted.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else {
                quoted.append((char) c);
            }
        }
        try {
            return URI.create(base + quoted);
        } catch (IllegalArgumentException e) {
            throw new ClientException(ClientException.FAILED, "cannot send " + path + ": " + e.getMessage());
        }
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
        if (socket != null) {
            throw tcpOnly("following a stream of events");
        }
        return answer(
                () -> HttpRequest.newBuilder(uri(base, path))
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
        if (socket != null) {
            return overSocket(method, path, body);
        }
        return answer(
                () -> request(uri(base, path), token(), method, body)
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

    /** {@link #exchange} through the daemon's Unix socket. */
    private String overSocket(String method, String path, Object body) {
        try {
            URI quoted = uri("http://localhost", path);
            String target = quoted.getRawPath() + (quoted.getRawQuery() == null ? "" : "?" + quoted.getRawQuery());
            UnixSocketHttp.Answer answer =
                    socket.exchange(method, target, token(), body == null ? null : JSON.writeValueAsString(body));
            if (answer.status() >= 400) {
                JsonNode problem;
                try {
                    problem = answer.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(answer.body());
                } catch (IOException notJson) {
                    problem = JSON.createObjectNode().put("detail", answer.body());
                }
                throw ClientException.fromProblem(answer.status(), problem);
            }
            return answer.body();
        } catch (java.net.SocketException e) {
            throw new ClientException(
                    ClientException.NOT_RUNNING,
                    "the daemon is not answering on its socket " + socket.socket() + ": " + e.getMessage());
        } catch (IOException e) {
            throw new ClientException(
                    ClientException.FAILED, "talking to the daemon at " + base + " failed: " + e.getMessage());
        }
    }

    private static ClientException tcpOnly(String what) {
        return new ClientException(
                ClientException.FAILED,
                what + " needs the daemon's TCP port, and this process reaches it only through $KAGED_SOCKET (a"
                        + " sandbox without network); the other commands work over the socket.");
    }

    private ClientException notRunning() {
        return new ClientException(
                ClientException.NOT_RUNNING,
                "the daemon is not running at " + base + " (start it with kaged serve, or give its port with --port).");
    }

    /** Opens the attach WebSocket of a session, authenticated with the token. */
    public WebSocket attach(String sessionId, boolean readOnly, WebSocket.Listener listener) {
        if (socket != null) {
            throw tcpOnly("attaching to a session");
        }
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
