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

/** {@code kaged session ls}: the sessions, as a table or as JSON, filtered and paged like the API. */
@Command(name = "ls", description = "List sessions, oldest first (--order desc: newest first).")
public final class SessionLsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Mixin
    ListOptions list;

    @Option(
            names = "--state",
            description = "Only this state (starting, running, paused, exited, closed, interrupted).")
    String state;

    @Option(names = "--project", description = "Only this project.")
    String project;

    @Option(
            names = "--transcript-contains",
            paramLabel = "TEXT",
            description = "Only sessions whose kept transcript contains TEXT (case-sensitive).")
    String transcriptContains;

    @Override
    public Integer call() throws Exception {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("state", state);
        q.put("project", project);
        q.put("transcriptContains", transcriptContains);
        list.addTo(q, "createdAfter", "createdBefore", "after");
        JsonNode page = options.client().get("/v1/sessions" + DaemonClient.query(q));
        Map<String, String> matches = new HashMap<>();
        page.path("search")
                .path("matches")
                .forEach(m -> matches.put(m.get("id").asText(), m.get("excerpt").asText()));
        list.print(spec, page, out -> {
            Table table = transcriptContains == null
                    ? new Table("ID", "NAME", "STATE", "PID", "EXIT", "RESTARTS", "CREATED", "COMMAND")
                    : new Table("ID", "NAME", "STATE", "CREATED", "MATCH");
            for (JsonNode s : page.get("items")) {
                String id = s.get("id").asText();
                if (transcriptContains != null) {
                    table.row(
                            id,
                            s.path("name").asText("-"),
                            s.get("state").asText(),
                            Table.time(s.get("createdAt").asText()),
                            matches.get(id));
                    continue;
                }
                StringBuilder cmd = new StringBuilder();
                s.get("command")
                        .forEach(a -> cmd.append(cmd.length() == 0 ? "" : " ").append(a.asText()));
                table.row(
                        id,
                        s.path("name").asText("-"),
                        s.get("state").asText(),
                        s.path("pid").asText("-"),
                        s.path("exitCode").asText("-"),
                        s.get("restarts").asInt(),
                        Table.time(s.get("createdAt").asText()),
                        cmd);
            }
            table.print(out);
        });
        return 0;
    }
}
