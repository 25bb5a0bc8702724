package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
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

/** {@code kaged run start [options] -- command...}: dispatches a run and prints its id. */
@Command(name = "start", description = "Dispatch a run; prints its id (with --wait, its outcome and exit code).")
public final class RunStartCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Mixin
    ConfinementOptions confinement;

    @Option(names = "--input", description = "Text given to the run on stdin.")
    String input;

    @Option(names = "--parent", description = "Parent run id: this run is its child.")
    String parent;

    @Option(names = "--project", description = "Project the run belongs to.")
    String project;

    @Option(names = "--timeout-ms", description = "Per-attempt timeout in milliseconds.")
    Long timeoutMs;

    @Option(names = "--retries", description = "Retries after a failure (default 0).")
    Integer retries;

    @Option(names = "--cwd", description = "Working folder (default: this one).")
    String cwd;

    @Option(
            names = "--workspace",
            description = "The working folder is the run's workspace: each checkpoint records its files, and a"
                    + " rollback puts them back.")
    boolean workspace;

    @Option(names = "--wait", description = "Wait for the run to finish; exit with its exit code.")
    boolean await;

    @Parameters(paramLabel = "COMMAND", arity = "1..*", description = "The command and its arguments.")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("command", command);
        body.put("cwd", cwd != null ? cwd : System.getProperty("user.dir"));
        body.put("input", input);
        body.put("parentId", parent);
        body.put("project", project);
        body.put("timeoutMs", timeoutMs);
        body.put("retries", retries);
        confinement.addTo(body);
        if (workspace) {
            body.put("workspace", true);
        }
        body.values().removeIf(v -> v == null);
        var client = options.client();
        String id = client.post("/v1/runs", body).get("id").asText();
        spec.commandLine().getOut().println(id);
        if (!await) {
            return 0;
        }
        JsonNode run;
        while (true) {
            run = client.get("/v1/runs/" + id);
            String state = run.get("state").asText();
            if (!state.equals("queued") && !state.equals("running") && !state.equals("paused")) {
                break;
            }
            Thread.sleep(100);
        }
        spec.commandLine()
                .getErr()
                .println("run " + id + " " + run.get("state").asText()
                        + (run.has("exitCode")
                                ? " with exit code " + run.get("exitCode").asInt()
                                : ""));
        return run.has("exitCode") ? run.get("exitCode").asInt() : 1;
    }
}
