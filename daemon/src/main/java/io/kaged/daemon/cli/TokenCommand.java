package io.kaged.daemon.cli;

import io.kaged.daemon.config.LoadedConfig;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kaged token}: prints the API token, for curl and scripts. */
@Command(name = "token", description = "Print the API token of this kaged home (for Authorization: Bearer).")
public final class TokenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModeOption modeOption;

    @Override
    public Integer call() throws Exception {
        LoadedConfig loaded = modeOption.load();
        if (!Files.exists(loaded.home().authToken())) {
            throw new io.kaged.daemon.client.ClientException(
                    io.kaged.daemon.client.ClientException.NOT_RUNNING,
                    "no token yet at " + loaded.home().authToken() + "; kaged serve creates it on first start.");
        }
        spec.commandLine()
                .getOut()
                .println(Files.readString(loaded.home().authToken()).trim());
        return 0;
    }
}
