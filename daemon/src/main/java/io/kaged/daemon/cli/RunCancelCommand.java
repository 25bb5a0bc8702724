package io.kaged.daemon.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kaged run cancel ID}. */
@Command(name = "cancel", description = "Cancel a run: SIGTERM to its process group, SIGKILL after a grace.")
public final class RunCancelCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "RUN", description = "The run id.")
    String id;

    @Override
    public Integer call() {
        var r = options.client().post("/v1/runs/" + id + "/cancel", null);
        spec.commandLine()
                .getOut()
                .println("Run " + id + " is " + r.get("state").asText() + ".");
        return 0;
    }
}
