package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.daemon.client.DaemonClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kaged run show ID [--history] [--output]}: one run, its children, and if asked its history and output. */
@Command(
        name = "show",
        description = "Show one run and its children; --history adds every recorded event, --output the output.")
public final class RunShowCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "RUN", description = "The run id.")
    String id;

    @Option(names = "--history", description = "Also list the run's events, oldest first (from the journal).")
    boolean history;

    @Option(names = "--output", description = "Also print the run's recorded output (stdout and stderr).")
    boolean output;

    @Override
    public Integer call() {
        DaemonClient client = options.client();
        JsonNode r = client.get("/v1/runs/" + id);
        PrintWriter out = spec.commandLine().getOut();
        row(out, "id", r.get("id").asText());
        row(out, "state", r.get("state").asText());
        row(out, "command", argv(r));
        row(out, "exit code", r.path("exitCode").asText("-"));
        row(
                out,
                "attempts",
                r.get("attempts").asText() + " (retries allowed: "
                        + r.get("retries").asText() + ")");
        row(out, "parent", r.path("parentId").asText("-"));
        row(out, "project", r.path("project").asText("-"));
        row(out, "created", r.get("createdAt").asText());
        row(out, "started", r.path("startedAt").asText("-"));
        row(out, "ended", r.path("endedAt").asText("-"));
        row(out, "duration", r.has("durationMs") ? r.get("durationMs").asLong() + " ms" : "-");
        // listed only when there are some: a run's own token may read its children but not list theirs
        JsonNode children = r.path("children").asInt(1) == 0
                ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()
                : client.get("/v1/runs?limit=1000&parentId=" + id).get("items");
        row(out, "children", String.valueOf(children.size()));
        for (JsonNode c : children) {
            out.printf("  %s  %-9s %s%n", c.get("id").asText(), c.get("state").asText(), argv(c));
        }
        if (history) {
            out.println();
            Table events = new Table("SEQ", "AT", "EVENT", "DETAIL");
            for (RunHistory.Entry e : RunHistory.parse(client.getText("/v1/runs/" + id + "/events?follow=false"))) {
                events.row(e.sequenceNr(), e.at(), e.type(), e.detail());
            }
            events.print(out);
        }
        if (output) {
            out.println();
            out.print(client.getText("/v1/runs/" + id + "/output"));
        }
        out.flush();
        return 0;
    }

    private static void row(PrintWriter out, String label, String value) {
        out.printf("%-10s %s%n", label, value);
    }

    static String argv(JsonNode run) {
        StringBuilder cmd = new StringBuilder();
        run.get("command").forEach(a -> cmd.append(cmd.length() == 0 ? "" : " ").append(a.asText()));
        return cmd.toString();
    }
}
