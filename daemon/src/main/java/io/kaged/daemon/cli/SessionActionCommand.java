package io.kaged.daemon.cli;

import io.kaged.daemon.client.DaemonClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A session command on one session named by the operator: resolves it, does the action, prints a line. */
abstract class SessionActionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "SESSION", description = "Id, unique id prefix, or name.")
    String session;

    @Override
    public Integer call() {
        DaemonClient client = options.client();
        String id = SessionCommand.resolve(client, session);
        spec.commandLine().getOut().println(act(client, id));
        return 0;
    }

    /** Does the action on session {@code id}; the line to print. */
    abstract String act(DaemonClient client, String id);
}
