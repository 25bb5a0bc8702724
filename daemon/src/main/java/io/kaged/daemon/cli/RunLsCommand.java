package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.daemon.client.DaemonClient;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kaged run ls}: runs as a table or JSON, filtered and paged like {@code GET /v1/runs}. */
@Command(name = "ls", description = "List runs, oldest first (--order desc: newest first).")
public final class RunLsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Mixin
    ListOptions list;

    @Option(
            names = "--state",
            description = "Only this state (queued, running, paused, succeeded, failed, cancelled, timed-out,"
                    + " interrupted).")
    String state;

    @Option(names = "--parent", paramLabel = "ID", description = "Only children of this run.")
    String parent;

    @Option(names = "--project", description = "Only this project.")
    String project;

    @Option(names = "--exit-code", paramLabel = "N", description = "Only runs that exited with N.")
    Integer exitCode;

    @Option(
            names = "--command",
            paramLabel = "NAME",
            description = "Only runs of this program (its file name: claude, make, sh).")
    String command;

    @Option(
            names = "--output-contains",
            paramLabel = "TEXT",
            description = "Only runs whose stdout or stderr contains TEXT (case-sensitive; bounded per call).")
    String outputContains;

    @Override
    public Integer call() throws Exception {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("state", state);
        q.put("parentId", parent);
        q.put("project", project);
        q.put("exitCode", exitCode == null ? null : exitCode.toString());
        q.put("command", command);
        q.put("outputContains", outputContains);
        list.addTo(q, "createdAfter", "createdBefore", "after");
        JsonNode page = options.client().get("/v1/runs" + DaemonClient.query(q));
        Map<String, String> matches = new HashMap<>();
        page.path("search")
                .path("matches")
                .forEach(m -> matches.put(m.get("id").asText(), m.get("excerpt").asText()));
        list.print(spec, page, out -> {
            Table table = outputContains == null
                    ? new Table("ID", "STATE", "EXIT", "ATTEMPTS", "CHILDREN", "PARENT", "CREATED", "COMMAND")
                    : new Table("ID", "STATE", "EXIT", "CREATED", "COMMAND", "MATCH");
            for (JsonNode r : page.get("items")) {
                String id = r.get("id").asText();
                if (outputContains == null) {
                    table.row(
                            id,
                            r.get("state").asText(),
                            r.path("exitCode").asText("-"),
                            r.get("attempts").asInt(),
                            r.get("children").asInt(),
                            r.path("parentId").asText("-"),
                            Table.time(r.get("createdAt").asText()),
                            RunShowCommand.argv(r));
                } else {
                    table.row(
                            id,
                            r.get("state").asText(),
                            r.path("exitCode").asText("-"),
                            Table.time(r.get("createdAt").asText()),
                            RunShowCommand.argv(r),
                            matches.get(id));
                }
            }
            table.print(out);
        });
        return 0;
    }
}
