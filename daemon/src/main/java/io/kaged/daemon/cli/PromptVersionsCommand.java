package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.daemon.client.DaemonClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kaged prompt versions PROJECT PROMPT}: a prompt's versions, oldest first. */
@Command(name = "versions", description = "List a prompt's versions, oldest first.")
public final class PromptVersionsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(index = "0", paramLabel = "PROJECT", description = "The project.")
    String project;

    @Parameters(index = "1", paramLabel = "PROMPT", description = "The prompt.")
    String prompt;

    @Option(names = "--json", description = "Print the API's JSON, for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        JsonNode page = options.client()
                .get("/v1/projects/" + DaemonClient.segment(project) + "/prompts/" + DaemonClient.segment(prompt)
                        + "/versions?limit=1000");
        if (json) {
            ProjectLsCommand.printJson(spec, page);
            return 0;
        }
        Table table = new Table("VERSION", "AUTHOR", "CHARS", "CREATED");
        for (JsonNode v : page.get("items")) {
            table.row(
                    v.get("version").asInt(),
                    v.get("author").asText(),
                    v.get("chars").asInt(),
                    ProjectLsCommand.time(v.get("createdAt")));
        }
        table.print(spec.commandLine().getOut());
        return 0;
    }
}
