package io.kaged.daemon.cli;

import io.kaged.daemon.config.ConfigFileEditor;
import io.kaged.daemon.config.LoadedConfig;
import io.kaged.persistence.store.StorageSettings;
import io.kaged.persistence.store.StorageTarget;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kaged db set URL}: records the store choice in the config file, for the next start. */
@Command(name = "set", description = "Write the store URL to the config file; it takes effect at the next start.")
public final class DbSetCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModeOption modeOption;

    @Parameters(
            paramLabel = "URL",
            description =
                    "for example sqlite:///abs/path.db, sqlite:relative.db, a path, postgres://user:pass@host:5432/db")
    String url;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        LoadedConfig loaded = modeOption.load();
        StorageTarget target =
                StorageTarget.parse(url, "kaged db set", loaded.home().dir());
        String current = StorageSettings.fromConfig(loaded.config(), loaded.env())
                .target()
                .masked();
        Path file = loaded.file().orElse(loaded.home().dir().resolve("kaged.conf"));
        ConfigFileEditor.set(file, "kaged.storage.url", url);
        out.println("Wrote kaged.storage.url = " + target.masked() + " to " + file + " (mode 0600).");
        out.println("It takes effect at the next start of the daemon; a running daemon keeps using " + current
                + " until then.");
        if (loaded.env().containsKey(StorageSettings.ENV_URL)) {
            out.println("Note: KAGED_DATABASE_URL is set in this environment and wins over the config file.");
        }
        return 0;
    }
}
