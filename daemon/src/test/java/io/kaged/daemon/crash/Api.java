package io.kaged.daemon.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The daemon's HTTP API as the tests call it: bearer token, bounded waits, JSON. */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final int port;
    private final String token;

    Api(int port, String token) {
        this.port = port;
        this.token = token;
    }

    /** The answer; an IOException when the daemon did not answer (down, or killed mid-request). */
    HttpResponse<String> send(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + token)
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = send("GET", path, null);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Every item of a list route, following its cursor. */
    List<JsonNode> all(String path) throws IOException, InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        String after = null;
        do {
            JsonNode page = get(path + "?limit=1000" + (after == null ? "" : "&after=" + after));
            page.get("items").forEach(items::add);
            after = page.path("next").isTextual() ? page.get("next").asText() : null;
        } while (after != null);
        return items;
    }

    /** A run's journal events as the API shows them (the whole history, not followed). */
    List<RunEvent> events(String runId) throws IOException, InterruptedException {
        HttpResponse<String> r = send("GET", "/v1/runs/" + runId + "/events?from=0&follow=false", null);
        if (r.statusCode() != 200) {
            throw new AssertionError("events of run " + runId + ": " + r.statusCode() + " " + r.body());
        }
        return RunEvent.parse(r.body());
    }

    /** One server-sent event of a run's history. */
    record RunEvent(long seq, String type, String data) {

        static List<RunEvent> parse(String stream) {
            List<RunEvent> events = new ArrayList<>();
            long seq = -1;
            String type = null;
            StringBuilder data = new StringBuilder();
            for (String line : (stream + "\n\n").split("\n", -1)) {
                if (line.isEmpty()) {
                    if (type != null) {
                        events.add(new RunEvent(seq, type, data.toString()));
                    }
                    seq = -1;
                    type = null;
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    seq = Long.parseLong(line.substring(3).trim());
                } else if (line.startsWith("event:")) {
                    type = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5));
                }
            }
            return events;
        }
    }
}
