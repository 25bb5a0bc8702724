package io.kaged.daemon.console;

import io.kaged.daemon.serve.TestDaemon;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The console's side of a daemon as a browser sees it: requests with the console cookie and an Origin, and
 * raw requests with a Host of the test's choosing (the JDK's client will not send a foreign Host).
 */
final class ConsoleHttp {

    record Raw(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final TestDaemon daemon;

    ConsoleHttp(TestDaemon daemon) {
        this.daemon = daemon;
    }

    int port() {
        return daemon.daemon.port();
    }

    String origin() {
        return "http://127.0.0.1:" + port();
    }

    /** A request with the console cookie {@code cookie} (none if null) and {@code origin} (none if null). */
    HttpResponse<String> send(String method, String path, String body, String cookie, String origin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (cookie != null) {
            request.header("Cookie", "kaged_console=" + cookie);
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Opens {@code path} as a WebSocket with these headers; the status the server refused it with, or 101.
     */
    int upgrade(String path, Map<String, String> headers) throws Exception {
        java.net.http.WebSocket.Builder builder = http.newWebSocketBuilder();
        headers.forEach(builder::header);
        try {
            builder.buildAsync(URI.create("ws://127.0.0.1:" + port() + path), new java.net.http.WebSocket.Listener() {})
                    .get(10, java.util.concurrent.TimeUnit.SECONDS)
                    .abort();
            return 101;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    /** A fresh one-time ticket, asked for with the daemon's token. */
    String ticket() throws Exception {
        HttpResponse<String> r = daemon.call("POST", "/v1/console/tickets", null);
        if (r.statusCode() != 201) {
            throw new AssertionError("POST /v1/console/tickets: " + r.statusCode() + " " + r.body());
        }
        return TestDaemon.JSON.readTree(r.body()).get("ticket").asText();
    }

    /** The session cookie's value out of a login answer's Set-Cookie. */
    static String cookieOf(HttpResponse<String> login) {
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }

    /** A GET over a plain socket with exactly these headers (Host included). */
    Raw raw(String path, Map<String, String> headers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port())) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
            headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
            request.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> answer = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                answer.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            return new Raw(Integer.parseInt(lines[0].split(" ")[1]), answer, text.substring(end + 4));
        }
    }
}
