package io.kaged.daemon.cli;

import io.kaged.daemon.client.DaemonClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kaged secret rm NAME}: forgets a secret. */
@Command(name = "rm", description = "Forget a secret; runs that name it fail to start from then on.")
public final class SecretRmCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "NAME", description = "The secret's name.")
    String name;

    @Override
    public Integer call() {
        options.client().delete("/v1/secrets/" + DaemonClient.segment(name));
        spec.commandLine().getOut().println("Secret " + name + " removed.");
        return 0;
    }
}
