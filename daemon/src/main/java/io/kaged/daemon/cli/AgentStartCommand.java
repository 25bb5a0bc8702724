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

    @Mixin
    ConfinementOptions confinement;

    @Option(
            names = "--project",
            description = "Project the run belongs to; its config's acp.permissions is the policy.")
    String project;

    @Option(names = "--prompt", description = "The first prompt, sent once the agent's session exists.")
    String prompt;

    @Option(
            names = "--profile",
            description = "An agent profile of the project (its config's acp.profiles.NAME): its command, env and"
                    + " permissions.")
    String profile;

    @Option(
            names = "--demo",
            description = "Start kaged's demo agent, which needs no API key: it answers each prompt and asks to"
                    + " note it in kaged-demo.txt of its folder.")
    boolean demo;

    @Option(names = "--cwd", description = "The agent's working folder and workspace (default: this one).")
    String cwd;

    @Option(names = "--timeout-ms", description = "Per-attempt timeout in milliseconds.")
    Long timeoutMs;

    @Option(names = "--retries", description = "Retries after a failure (default 0).")
    Integer retries;

    @Parameters(
            paramLabel = "COMMAND",
            arity = "0..*",
            description = "The agent's command and its arguments (the profile's when left out).")
    List<String> command;

    /** The command of the project's profile, as its config names it. */
    private List<Object> profileCommand(io.kaged.daemon.client.DaemonClient client) {
        if (project == null) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--profile needs --project: agent profiles live in a project's config.");
        }
        com.fasterxml.jackson.databind.JsonNode argv = client.get(
                        "/v1/projects/" + io.kaged.daemon.client.DaemonClient.segment(project))
                .path("config")
                .path("acp")
                .path("profiles")
                .path(profile)
                .path("command");
        if (!argv.isArray() || argv.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(),
                    "Project " + project + " has no command for profile " + profile + " (acp.profiles." + profile
                            + ".command); give the command after --.");
        }
        List<Object> out = new java.util.ArrayList<>();
        argv.forEach(a -> out.add(a.asText()));
        return out;
    }

    @Override
    public Integer call() {
        boolean given = command != null && !command.isEmpty();
        if (demo && (given || profile != null)) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--demo starts kaged's own demo agent: give no command and no --profile.");
        }
        if (!given && profile == null && !demo) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(),
                    "Give the agent's command after --, a --profile of the project that has one, or --demo.");
        }
        var client = options.client();
        List<Object> argv = demo
                ? List.copyOf(io.kaged.daemon.demo.DemoAgent.command())
                : given ? List.copyOf(command) : profileCommand(client);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("command", argv);
        body.put("cwd", cwd != null ? cwd : System.getProperty("user.dir"));
        body.put("project", project);
        body.put("timeoutMs", timeoutMs);
        body.put("retries", retries);
        body.values().removeIf(v -> v == null);
        confinement.addTo(body);
        Map<String, Object> acp = new LinkedHashMap<>();
        if (prompt != null) {
            acp.put("prompt", prompt);
        }
        if (profile != null) {
            acp.put("profile", profile);
        }
        body.put("acp", acp);
        String id = client.post("/v1/runs", body).get("id").asText();
        spec.commandLine().getOut().println(id);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
