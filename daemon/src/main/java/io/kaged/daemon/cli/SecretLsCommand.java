package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kaged secret ls}: the names of the secrets kept, one a line. */
@Command(name = "ls", description = "List the secrets' names (never their values).")
public final class SecretLsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Option(names = "--json", description = "Print the API's JSON, for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        JsonNode list = options.client().get("/v1/secrets");
        if (json) {
            ProjectLsCommand.printJson(spec, list);
            return 0;
        }
        for (JsonNode s : list.get("items")) {
            spec.commandLine().getOut().println(s.get("name").asText());
        }
        return 0;
    }
}
