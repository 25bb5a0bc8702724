package io.kaged.daemon.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kaged agent prompt ID TEXT...}: a prompt for the agent of an ACP run. */
@Command(name = "prompt", description = "Send a prompt to an ACP run's agent (a new turn); prints sent or queued.")
public final class AgentPromptCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Option(names = "--queue", description = "If a turn is running, wait for it instead of refusing.")
    boolean queue;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
    String id;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "The prompt (words are joined).")
    List<String> text;

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", String.join(" ", text));
        if (queue) {
            body.put("queue", true);
        }
        String answer = options.client()
                .post("/v1/runs/" + id + "/prompt", body)
                .get("prompt")
                .asText();
        spec.commandLine().getOut().println(answer);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
