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

/** {@code kaged project ls}: projects by name, as a table or JSON. */
@Command(name = "ls", description = "List projects by name.")
public final class ProjectLsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Option(names = "--limit", description = "At most this many (default 100, max 1000).")
    Integer limit;

    @Option(names = "--offset", description = "Skip this many first.")
    Integer offset;

    @Option(names = "--json", description = "Print the API's JSON, for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("limit", limit == null ? null : limit.toString());
        q.put("offset", offset == null ? null : offset.toString());
        JsonNode page = options.client().get("/v1/projects" + DaemonClient.query(q));
        if (json) {
            printJson(spec, page);
            return 0;
        }
        Table table = new Table("NAME", "CREATED", "UPDATED", "CONFIG");
        for (JsonNode p : page.get("items")) {
            table.row(
                    p.get("name").asText(),
                    time(p.get("createdAt")),
                    time(p.get("updatedAt")),
                    p.get("config").size() + " key(s)");
        }
        table.print(spec.commandLine().getOut());
        return 0;
    }

    /** An API time as the tables show it: {@code 2026-11-22 10:00:00Z}. */
    static String time(JsonNode iso) {
        return iso.asText().replace('T', ' ').replaceFirst("\\.\\d+Z$", "Z");
    }

    static void printJson(CommandSpec spec, JsonNode json) throws Exception {
        spec.commandLine()
                .getOut()
                .println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
    }
}
