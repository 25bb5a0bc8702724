package io.kaged.daemon.cli;

import io.kaged.daemon.client.DaemonClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kaged prompt diff PROJECT PROMPT FROM TO}: a unified diff of two versions. */
@Command(name = "diff", description = "Print a unified diff between two versions of a prompt.")
public final class PromptDiffCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(index = "0", paramLabel = "PROJECT", description = "The project.")
    String project;

    @Parameters(index = "1", paramLabel = "PROMPT", description = "The prompt.")
    String prompt;

    @Parameters(index = "2", paramLabel = "FROM", description = "The older version's number.")
    int from;

    @Parameters(index = "3", paramLabel = "TO", description = "The newer version's number.")
    int to;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        out.print(options.client()
                .getText("/v1/projects/" + DaemonClient.segment(project) + "/prompts/" + DaemonClient.segment(prompt)
                        + "/diff?from=" + from + "&to=" + to));
        out.flush();
        return 0;
    }
}
