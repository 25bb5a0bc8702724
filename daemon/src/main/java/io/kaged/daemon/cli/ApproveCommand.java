package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kaged approve ID OPTION}: decides a pending approval with one of the options its agent offered. */
@Command(
        name = "approve",
        description = "Decide a pending approval: OPTION is one the agent offered (kaged approvals).")
public final class ApproveCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(index = "0", paramLabel = "ID", description = "The approval id.")
    String id;

    @Parameters(index = "1", paramLabel = "OPTION", description = "The option id, e.g. allow_once.")
    String option;

    @Override
    public Integer call() {
        JsonNode a = options.client().post("/v1/approvals/" + id, Map.of("optionId", option));
        spec.commandLine()
                .getOut()
                .println("approval " + id + " " + a.path("decision").asText() + " by "
                        + a.path("decidedBy").asText());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
