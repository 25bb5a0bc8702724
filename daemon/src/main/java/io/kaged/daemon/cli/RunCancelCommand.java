package io.kaged.daemon.cli;

import picocli.CommandLine.Command;

/** {@code kaged run cancel ID}. */
@Command(
        name = "cancel",
        description = "Cancel a run: SIGTERM to its process group, SIGKILL after a grace; its child runs (and"
                + " theirs) that are not finished are cancelled too, unless started with onParentEnd abandon.")
public final class RunCancelCommand extends RunActionCommand {
    @Override
    String action() {
        return "cancel";
    }

    /** "Run X is cancelled; 2 descendant runs cancelled." */
    @Override
    String done(com.fasterxml.jackson.databind.JsonNode run) {
        int n = run.path("cancelledDescendants").asInt(0);
        return super.done(run).replaceFirst("\\.$", "") + "; " + n + (n == 1 ? " descendant run" : " descendant runs")
                + " cancelled.";
    }
}
