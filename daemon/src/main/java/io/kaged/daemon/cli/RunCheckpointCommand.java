package io.kaged.daemon.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kaged run checkpoint ID --take [--label L]}; without either, lists the run's checkpoints. */
@Command(name = "checkpoint", description = "List a run's checkpoints, or take one with --take [--label L].")
public final class RunCheckpointCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "RUN", description = "The run id.")
    String id;

    @Option(names = "--take", description = "Take a checkpoint now.")
    boolean take;

    @Option(names = "--label", description = "A name for the checkpoint taken (implies --take).")
    String label;

    @Override
    public Integer call() {
        var client = options.client();
        if (take || label != null) {
            Map<String, Object> body = new LinkedHashMap<>();
            if (label != null) {
                body.put("label", label);
            }
            var cp = client.post("/v1/runs/" + id + "/checkpoints", body);
            spec.commandLine().getOut().println(cp.get("id").asText());
            return 0;
        }
        Table table = new Table("ID", "SEQ", "REASON", "LABEL", "CREATED");
        var items = client.get("/v1/runs/" + id + "/checkpoints").get("items");
        if (items.isEmpty()) {
            // a bare "checkpoint" reads like a verb: say how to take one rather than print an empty table
            spec.commandLine()
                    .getErr()
                    .println("Run " + id + " has no checkpoints yet; take one with: kaged run checkpoint " + id
                            + " --take [--label L]");
            return 0;
        }
        items.forEach(c -> table.row(
                c.get("id").asText(),
                c.get("sequenceNr").asLong(),
                c.get("reason").asText(),
                c.path("label").asText("-"),
                c.get("createdAt").asText()));
        table.print(spec.commandLine().getOut());
        return 0;
    }
}
