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

/** {@code kaged agent start [options] -- command...}: an ACP run; prints its id. */
@Command(
        name = "start",
        description =
                "Start an ACP agent (the command is its ACP entry point, e.g. claude-agent-acp); prints the run id.")
public final class AgentStartCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Option(
            names = "--project",
            description = "Project the run belongs to; its config's acp.permissions is the policy.")
    String project;

    @Option(names = "--prompt", description = "The first prompt, sent once the agent's session exists.")
    String prompt;

    @Option(names = "--cwd", description = "The agent's working folder and workspace (default: this one).")
    String cwd;

    @Option(names = "--timeout-ms", description = "Per-attempt timeout in milliseconds.")
    Long timeoutMs;

    @Option(names = "--retries", description = "Retries after a failure (default 0).")
    Integer retries;

    @Parameters(paramLabel = "COMMAND", arity = "1..*", description = "The agent's command and its arguments.")
    List<String> command;

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("command", command);
        body.put("cwd", cwd != null ? cwd : System.getProperty("user.dir"));
        body.put("project", project);
        body.put("timeoutMs", timeoutMs);
        body.put("retries", retries);
        body.values().removeIf(v -> v == null);
        Map<String, Object> acp = new LinkedHashMap<>();
        if (prompt != null) {
            acp.put("prompt", prompt);
        }
        body.put("acp", acp);
        String id = options.client().post("/v1/runs", body).get("id").asText();
        spec.commandLine().getOut().println(id);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
