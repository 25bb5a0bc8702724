package io.kaged.daemon.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A run command that POSTs to {@code /v1/runs/{id}/<action>} and prints the run's new state. */
abstract class RunActionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
    String id;

    abstract String action();

    /** The request body; none by default. */
    Object body(io.kaged.daemon.client.DaemonClient client) {
        return null;
    }

    @Override
    public Integer call() {
        var r = options.client().post("/v1/runs/" + id + "/" + action(), body(options.client()));
        spec.commandLine().getOut().println(done(r));
        return 0;
    }

    /** The line printed for the run as the daemon answered. */
    String done(com.fasterxml.jackson.databind.JsonNode run) {
        return "Run " + id + " is " + run.get("state").asText() + ".";
    }
}
