package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.daemon.client.DaemonClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kaged session ls}: the sessions, as a table or as JSON. */
@Command(name = "ls", description = "List sessions.")
public final class SessionLsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Option(
            names = "--state",
            description = "Only this state (starting, running, paused, exited, closed, interrupted).")
    String state;

    @Option(names = "--project", description = "Only this project.")
    String project;

    @Option(names = "--limit", description = "At most this many (default 100, max 1000).")
    Integer limit;

    @Option(names = "--json", description = "Print the API's JSON, for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("state", state);
        q.put("project", project);
        q.put("limit", limit == null ? null : limit.toString());
        JsonNode page = options.client().get("/v1/sessions" + DaemonClient.query(q));
        if (json) {
            spec.commandLine()
                    .getOut()
                    .println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(page));
            return 0;
        }
        Table table = new Table("ID", "NAME", "STATE", "PID", "EXIT", "RESTARTS", "CREATED", "COMMAND");
        for (JsonNode s : page.get("items")) {
            StringBuilder cmd = new StringBuilder();
            s.get("command")
                    .forEach(a -> cmd.append(cmd.length() == 0 ? "" : " ").append(a.asText()));
            table.row(
                    s.get("id").asText(),
                    s.path("name").asText("-"),
                    s.get("state").asText(),
                    s.path("pid").asText("-"),
                    s.path("exitCode").asText("-"),
                    s.get("restarts").asInt(),
                    s.get("createdAt").asText().replace('T', ' ').replaceFirst("\\.\\d+Z$", "Z"),
                    cmd);
        }
        table.print(spec.commandLine().getOut());
        return 0;
    }
}
