package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.daemon.client.ClientException;
import io.kaged.daemon.client.DaemonClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kaged run|session diff ID [CHECKPOINT] [--patch]}: what changed in a run's or a session's workspace
 * since a checkpoint, the newest by default.
 */
abstract class WorkspaceDiffCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(index = "0", paramLabel = "ID", description = "The run's or session's id.")
    String id;

    @Parameters(index = "1", arity = "0..1", paramLabel = "CHECKPOINT", description = "One of its checkpoint ids.")
    String checkpoint;

    /** {@code runs} or {@code sessions}: the API's collection. */
    abstract String collection();

    /** What to say when there is no checkpoint to compare with. */
    abstract String noCheckpoint(String id);

    @Option(
            names = {"-p", "--patch"},
            description = "Also print a unified diff of the text files.")
    boolean patch;

    @Override
    public Integer call() {
        DaemonClient client = options.client();
        String cp = checkpoint != null ? checkpoint : newest(client);
        JsonNode d = client.get("/v1/" + collection() + "/" + DaemonClient.segment(id) + "/checkpoints/"
                + DaemonClient.segment(cp) + "/diff" + (patch ? "?patch=true" : ""));
        PrintWriter out = spec.commandLine().getOut();
        if (d.get("added").isEmpty()
                && d.get("modified").isEmpty()
                && d.get("deleted").isEmpty()) {
            out.println("No changes since checkpoint " + cp + ".");
            return 0;
        }
        lines(out, "A", d.get("added"));
        lines(out, "M", d.get("modified"));
        lines(out, "D", d.get("deleted"));
        if (patch && d.hasNonNull("patch")) {
            out.println();
            out.print(d.get("patch").asText());
        }
        out.flush();
        return 0;
    }

    private String newest(DaemonClient client) {
        JsonNode items = client.get("/v1/" + collection() + "/" + DaemonClient.segment(id) + "/checkpoints")
                .get("items");
        if (items.isEmpty()) {
            throw new ClientException(ClientException.NOT_FOUND, noCheckpoint(id));
        }
        return items.get(items.size() - 1).get("id").asText();
    }

    private static void lines(PrintWriter out, String mark, JsonNode paths) {
        for (JsonNode p : paths) {
            out.println(mark + " " + p.asText());
        }
    }
}
