package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.daemon.client.DaemonClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kaged status}: is the daemon up, on which store, since when, with how many sessions. */
@Command(name = "status", description = "Show whether the daemon runs, its store and its sessions.")
public final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Override
    public Integer call() {
        DaemonClient client = options.client();
        JsonNode info = client.get("/v1/info");
        JsonNode sessions = client.get("/v1/stats").get("sessions").get("byState");
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "daemon          running at %s (kaged %s, %s mode, up %d s)%n",
                client.base(),
                info.get("version").asText(),
                info.get("mode").asText(),
                info.get("uptimeSeconds").asLong());
        out.printf(
                "store           %s (%s, schema %s)%n",
                info.get("storageUrl").asText(),
                info.get("storage").asText(),
                info.get("schemaVersion").asText());
        out.printf("sandbox         %s%n", info.path("sandbox").asText("unknown"));
        out.printf("limits          %s%n", info.path("limits").asText("unknown"));
        out.printf(
                "sessions        %d running, %d paused%n",
                sessions.path("running").asLong(0), sessions.path("paused").asLong(0));
        return 0;
    }
}
