package io.kaged.daemon.serve.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Sends one request to the daemon and keeps what the completeness test looks at. An event stream is not
 * read (it may never end): its status and content type are the answer.
 */
final class Probe {

    /** What the server answered. */
    record Answer(int status, String mediaType, String body) {

        /** The problem's detail, or the body when it is not a problem. */
        String detail() {
            if (mediaType.equals("application/problem+json")) {
                try {
                    return new ObjectMapper().readTree(body).path("detail").asText();
                } catch (IOException e) {
                    return body;
                }
            }
            return body.length() > 200 ? body.substring(0, 200) + "..." : body;
        }

        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(body);
        }

        @Override
        public String toString() {
            return status + (mediaType.isEmpty() ? "" : " " + mediaType) + (body.isEmpty() ? "" : " " + detail());
        }
    }

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final int port;

    Probe(int port) {
        this.port = port;
    }

    HttpClient client() {
        return http;
    }

    URI uri(String scheme, String pathAndQuery) {
        return URI.create(scheme + "://127.0.0.1:" + port + pathAndQuery);
    }

    /** {@code token} null: no Authorization header; {@code body} null: no body. */
    Answer send(String method, String pathAndQuery, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("http", pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException closedHere) {
            // An event stream's body is closed unread below, which closes its connection from this side; the JDK
            // client can still hand that connection to the next request, which then fails before a byte is sent
            // ("connection closed locally"). The daemon saw nothing: send it again, once, on a new connection.
            if (!String.valueOf(closedHere.getCause()).contains("closed locally")) {
                throw closedHere;
            }
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        }
        String mediaType = response.headers()
                .firstValue("Content-Type")
                .map(t -> t.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT))
                .orElse("");
        try (InputStream in = response.body()) {
            String text =
                    mediaType.equals("text/event-stream") ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Answer(response.statusCode(), mediaType, text);
        }
    }
}
