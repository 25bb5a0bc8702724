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

/** {@code kaged run ls}: runs as a table or JSON. */
@Command(name = "ls", description = "List runs.")
public final class RunLsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Option(names = "--state", description = "Only this state.")
    String state;

    @Option(names = "--parent", description = "Only children of this run.")
    String parent;

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
        q.put("parentId", parent);
        q.put("project", project);
        q.put("limit", limit == null ? null : limit.toString());
        JsonNode page = options.client().get("/v1/runs" + DaemonClient.query(q));
        if (json) {
            spec.commandLine()
                    .getOut()
                    .println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(page));
            return 0;
        }
        Table table = new Table("ID", "STATE", "EXIT", "ATTEMPTS", "CHILDREN", "PARENT", "CREATED", "COMMAND");
        for (JsonNode r : page.get("items")) {
            table.row(
                    r.get("id").asText(),
                    r.get("state").asText(),
                    r.path("exitCode").asText("-"),
                    r.get("attempts").asInt(),
                    r.get("children").asInt(),
                    r.path("parentId").asText("-"),
                    r.get("createdAt").asText().replace('T', ' ').replaceFirst("\\.\\d+Z$", "Z"),
                    RunShowCommand.argv(r));
        }
        table.print(spec.commandLine().getOut());
        return 0;
    }
}
