package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Options every list command shares (paging, time range, {@code --json}) and how a page is printed: a
 * table on stdout, and on stderr how to get the next page, so a pipe reads only the table.
 */
public final class ListOptions {

    enum Order {
        asc,
        desc
    }

    @Option(
            names = "--since",
            paramLabel = "TIME",
            converter = TimeArg.class,
            description = "Only from TIME on: 2026-11-22T10:00:00Z, a UTC date (2026-11-22) or an age (30m, 2h, 7d).")
    Instant since;

    @Option(
            names = "--until",
            paramLabel = "TIME",
            converter = TimeArg.class,
            description = "Only before TIME (same forms as --since).")
    Instant until;

    @Option(names = "--limit", paramLabel = "N", description = "At most N (default 100, max 1000).")
    Integer limit;

    @Option(names = "--offset", paramLabel = "N", description = "Skip the first N.")
    Integer offset;

    @Option(
            names = "--after",
            paramLabel = "ID",
            description = "Continue after this id: the 'next' that the previous page printed.")
    String after;

    @Option(
            names = "--order",
            paramLabel = "asc|desc",
            description = "asc: oldest first; desc: newest first (default: the list's own).")
    Order order;

    @Option(names = "--json", description = "Print the API's JSON, for scripts.")
    boolean json;

    /** Adds paging and time range to a query, under the names this list's API route uses. */
    void addTo(Map<String, String> q, String sinceParam, String untilParam, String cursorParam) {
        q.put(sinceParam, since == null ? null : since.toString());
        q.put(untilParam, until == null ? null : until.toString());
        q.put("limit", limit == null ? null : limit.toString());
        q.put("offset", offset == null ? null : offset.toString());
        q.put(cursorParam, after);
        q.put("order", order == null ? null : order.name());
    }

    /** The page as JSON, or as the table {@code rows} fills; then, on stderr, how to continue. */
    void print(CommandSpec spec, JsonNode page, Consumer<PrintWriter> table) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(page));
            return;
        }
        table.accept(out);
        // The notes below go to stderr; the table must reach the terminal first, not after them.
        out.flush();
        JsonNode search = page.path("search");
        if (!search.isMissingNode() && !search.path("complete").asBoolean(true)) {
            spec.commandLine()
                    .getErr()
                    .printf(
                            "The search stopped after %d runs or sessions and %d bytes of output (bounds: %d and %d).%n",
                            search.path("searched").asLong(),
                            search.path("scannedBytes").asLong(),
                            search.path("maxSearched").asLong(),
                            search.path("maxScanBytes").asLong());
        }
        if (page.hasNonNull("next")) {
            spec.commandLine()
                    .getErr()
                    .println("More: add --after " + page.get("next").asText());
        }
    }
}
