package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A run's event stream (server-sent events) as lines of a table: one entry per event, a short detail. */
final class RunHistory {

    /** One event as the table shows it. */
    record Entry(long sequenceNr, String at, String type, String detail) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunHistory() {}

    static List<Entry> parse(String sse) {
        List<Entry> entries = new ArrayList<>();
        String id = null;
        String type = null;
        StringBuilder data = new StringBuilder();
        for (String line : (sse + "\n\n").split("\n", -1)) {
            if (line.isEmpty()) {
                if (type != null && id != null) {
                    entries.add(entry(Long.parseLong(id), type, data.toString()));
                }
                id = null;
                type = null;
                data.setLength(0);
            } else if (line.startsWith("id:")) {
                id = line.substring(3).trim();
            } else if (line.startsWith("event:")) {
                type = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).trim());
            }
        }
        return entries;
    }

    private static Entry entry(long seq, String type, String json) {
        try {
            JsonNode e = JSON.readTree(json);
            String at = e.has("at") ? Instant.ofEpochMilli(e.get("at").asLong()).toString() : "-";
            return new Entry(seq, at, type, detail(type, e));
        } catch (IOException notJson) {
            return new Entry(seq, "-", type, json);
        }
    }

    /** The fields an operator reads at a glance; the rest is in the JSON of the API. */
    private static String detail(String type, JsonNode e) {
        return switch (type) {
            case "Dispatched" -> "command " + e.path("spec").path("command");
            case "AttemptStarted" ->
                "attempt " + e.path("attempt").asInt() + ", pid "
                        + e.path("osPid").asLong();
            case "AttemptFailedToStart" ->
                "attempt " + e.path("attempt").asInt() + ": " + e.path("reason").asText();
            case "AttemptEnded" ->
                "attempt " + e.path("attempt").asInt() + ", exit "
                        + e.path("exitCode").asInt()
                        + (e.path("timedOut").asBoolean() ? ", timed out" : "")
                        + (e.path("willRetry").asBoolean() ? ", another attempt follows" : "");
            case "OutputRecorded" ->
                e.path("stream").asText() + ", " + e.path("size").asInt() + " bytes";
            case "Paused" -> "checkpoint " + e.path("checkpointId").asText();
            case "CheckpointTaken" ->
                "checkpoint " + e.path("checkpointId").asText()
                        + (e.hasNonNull("label") ? " \"" + e.get("label").asText() + "\"" : "");
            case "RolledBack" ->
                "to checkpoint " + e.path("checkpointId").asText() + " (event " + e.path("checkpointSequenceNr") + ", "
                        + e.path("checkpointState").asText() + ")";
            case "Interrupted" -> e.path("willRetry").asBoolean() ? "daemon restarted; retrying" : "daemon restarted";
            case "SandboxApplied" ->
                "attempt " + e.path("attempt").asInt() + ": "
                        + e.path("profile").asText();
            case "SandboxRefused", "SandboxSkipped" ->
                "attempt " + e.path("attempt").asInt() + ": " + e.path("reason").asText();
            case "LimitsApplied" ->
                "attempt " + e.path("attempt").asInt() + ": " + e.path("limits").asText();
            case "LimitsSkipped" ->
                "attempt " + e.path("attempt").asInt() + " without "
                        + e.path("limits").asText() + ": " + e.path("reason").asText();
            case "LimitReached" ->
                "attempt " + e.path("attempt").asInt() + ": " + e.path("limit").asText()
                        + (e.path("limit").asText().equals("memory")
                                ? ", " + e.path("count").asLong() + " process(es) killed (OOM)"
                                : ", " + e.path("count").asLong() + " fork(s) refused");
            default -> "";
        };
    }
}
