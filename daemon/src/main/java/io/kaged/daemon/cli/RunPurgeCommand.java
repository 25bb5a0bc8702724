package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kaged run purge ID}: deletes a finished run and its child runs, every row of them. */
@Command(
        name = "purge",
        description = "Delete a finished run and all its child runs: journal, snapshots, output, checkpoints."
                + " The audit log keeps the fact. A live run must be cancelled first.")
public final class RunPurgeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
    String id;

    @Override
    public Integer call() {
        JsonNode r = options.client().delete("/v1/runs/" + id + "?purge=true");
        JsonNode removed = r.get("removed");
        spec.commandLine()
                .getOut()
                .println("Run " + id + " purged: " + removed.get("runs").asLong() + " run(s), "
                        + removed.get("events").asLong() + " event(s), "
                        + PruneCommand.bytes(removed.get("bytes").asLong()) + ".");
        return 0;
    }
}
