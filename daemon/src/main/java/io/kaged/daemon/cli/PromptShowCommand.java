package io.kaged.daemon.cli;

import io.kaged.daemon.client.DaemonClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kaged prompt show PROJECT PROMPT [--version N]}: prints a version's text exactly, for pipes. */
@Command(name = "show", description = "Print the text of a prompt's latest version, or of --version N.")
public final class PromptShowCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(index = "0", paramLabel = "PROJECT", description = "The project.")
    String project;

    @Parameters(index = "1", paramLabel = "PROMPT", description = "The prompt.")
    String prompt;

    @Option(names = "--version", paramLabel = "N", description = "This version instead of the latest.")
    Integer version;

    @Override
    public Integer call() {
        String path = "/v1/projects/" + DaemonClient.segment(project) + "/prompts/" + DaemonClient.segment(prompt)
                + (version == null ? "" : "/versions/" + version);
        var out = spec.commandLine().getOut();
        out.print(options.client().get(path).get("body").asText());
        out.flush();
        return 0;
    }
}
