package io.kaged.daemon.crash;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Counts for the test's log: what the load amounted to. */
final class Summary {

    private Summary() {}

    static Map<String, Integer> byState(List<JsonNode> runs) {
        Map<String, Integer> counts = new TreeMap<>();
        runs.forEach(r -> counts.merge(r.get("state").asText(), 1, Integer::sum));
        return counts;
    }
}
