package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.daemon.client.DaemonClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kaged project show NAME}: one project, its config and its prompts. */
@Command(name = "show", description = "Show a project: its config and its prompts' latest versions.")
public final class ProjectShowCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "NAME", description = "The project.")
    String name;

    @Override
    public Integer call() throws Exception {
        DaemonClient client = options.client();
        String path = "/v1/projects/" + DaemonClient.segment(name);
        JsonNode p = client.get(path);
        JsonNode prompts = client.get(path + "/prompts?limit=1000").get("items");
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-8s %s%n", "name", p.get("name").asText());
        out.printf("%-8s %s%n", "id", p.get("id").asText());
        out.printf("%-8s %s%n", "created", p.get("createdAt").asText());
        out.printf("%-8s %s%n", "updated", p.get("updatedAt").asText());
        out.printf(
                "%-8s %s%n",
                "config",
                new ObjectMapper()
                        .writerWithDefaultPrettyPrinter()
                        .writeValueAsString(p.get("config"))
                        .replace("\n", "\n         "));
        out.printf("%-8s %d%n", "prompts", prompts.size());
        if (prompts.size() > 0) {
            Table table = new Table("  PROMPT", "LATEST", "AUTHOR", "UPDATED");
            for (JsonNode v : prompts) {
                table.row(
                        "  " + v.get("name").asText(),
                        v.get("latestVersion").asInt(),
                        v.get("author").asText(),
                        ProjectLsCommand.time(v.get("updatedAt")));
            }
            table.print(out);
        }
        return 0;
    }
}
