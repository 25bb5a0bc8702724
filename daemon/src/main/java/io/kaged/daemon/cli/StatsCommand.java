package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.daemon.client.DaemonClient;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kaged stats}: counts of the store, of one project, or per project. */
@Command(
        name = "stats",
        description = "Count sessions and runs by state, runs by exit code, events, snapshots and the store's size.")
public final class StatsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Option(names = "--project", paramLabel = "NAME", description = "Count only this project's sessions and runs.")
    String project;

    @Option(names = "--by-project", description = "Add one line per project.")
    boolean byProject;

    @Option(names = "--json", description = "Print the API's JSON, for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("project", project);
        q.put("byProject", byProject ? "true" : null);
        JsonNode stats = options.client().get("/v1/stats" + DaemonClient.query(q));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(stats));
            return 0;
        }
        JsonNode runs = stats.get("runs");
        JsonNode store = stats.get("store");
        new Table("scope", stats.path("project").isNull() ? "the whole store" : "project " + project)
                .row("sessions", total(stats.get("sessions")))
                .row("runs", total(runs))
                .row("exit codes", counts(runs.get("byExitCode"), ": "))
                .row(
                        "success",
                        percent(runs.get("successRate")) + " (succeeded of succeeded, failed, timed-out,"
                                + " interrupted)")
                .row("events", stats.get("events").asLong())
                .row("snapshots", stats.get("snapshots").asLong())
                .row(
                        "store",
                        store.get("engine").asText() + ", "
                                + bytes(store.get("bytes").asLong())
                                + (project == null ? "" : " (the whole store)"))
                .print(out);
        if (stats.has("projects")) {
            out.println();
            Table table = new Table("PROJECT", "SESSIONS", "RUNS", "FAILED", "SUCCESS", "EVENTS", "SNAPSHOTS");
            for (JsonNode p : stats.get("projects")) {
                JsonNode byState = p.get("runs").get("byState");
                table.row(
                        p.path("project").asText("-"),
                        p.get("sessions").get("total").asLong(),
                        p.get("runs").get("total").asLong(),
                        byState.path("failed").asLong(0),
                        percent(p.get("runs").get("successRate")),
                        p.get("events").asLong(),
                        p.get("snapshots").asLong());
            }
            table.print(out);
        }
        return 0;
    }

    /** "12 (running 2, succeeded 10)". */
    private static String total(JsonNode counts) {
        String byState = counts(counts.get("byState"), " ");
        return counts.get("total").asLong() + (byState.equals("-") ? "" : " (" + byState + ")");
    }

    private static String counts(JsonNode map, String separator) {
        StringBuilder s = new StringBuilder();
        map.fields().forEachRemaining(e -> s.append(s.length() == 0 ? "" : ", ")
                .append(e.getKey())
                .append(separator)
                .append(e.getValue().asLong()));
        return s.length() == 0 ? "-" : s.toString();
    }

    private static String percent(JsonNode rate) {
        return rate == null || rate.isNull() ? "-" : String.format(Locale.ROOT, "%.1f%%", rate.asDouble() * 100);
    }

    private static String bytes(long n) {
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
    }
}
