package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.daemon.client.ClientException;
import io.kaged.daemon.client.DaemonClient;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kaged run rollback RUN [CHECKPOINT]}: back to a checkpoint, the newest one if none is named. */
@Command(
        name = "rollback",
        description = "Roll a run back to a checkpoint (the newest if none is given): the output recorded after it"
                + " is set aside and the process starts again from the run's inputs.")
public final class RunRollbackCommand extends RunActionCommand {

    @Parameters(index = "1", arity = "0..1", paramLabel = "CHECKPOINT", description = "A checkpoint id of the run.")
    String checkpoint;

    @Override
    String action() {
        return "rollback";
    }

    @Override
    Object body(DaemonClient client) {
        if (checkpoint == null) {
            JsonNode items = client.get("/v1/runs/" + id + "/checkpoints").get("items");
            if (items.isEmpty()) {
                throw new ClientException(
                        ClientException.NOT_FOUND,
                        "Run " + id + " has no checkpoint to roll back to; take one with: kaged run checkpoint " + id
                                + " --take");
            }
            checkpoint = items.get(items.size() - 1).get("id").asText();
        }
        spec.commandLine().getOut().println("Rolling run " + id + " back to checkpoint " + checkpoint + ".");
        return Map.of("checkpointId", checkpoint);
    }
}
