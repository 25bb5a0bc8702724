package io.kaged.daemon.cli;

import io.kaged.daemon.config.LoadedConfig;
import io.kaged.persistence.store.StorageSettings;
import io.kaged.persistence.store.Store;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kaged db migrate}: creates the store if needed and applies pending migrations now, as the daemon
 * does at start; for operators who upgrade the schema before starting a new version.
 */
@Command(name = "migrate", description = "Create the store if needed and apply pending migrations now.")
public final class DbMigrateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModeOption modeOption;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        LoadedConfig loaded = modeOption.load();
        StorageSettings s = StorageSettings.fromConfig(loaded.config(), loaded.env());
        int pending;
        try (Store before = Store.openUnmigrated(s)) {
            pending = before.migrations().status().pending().size();
        }
        try (Store store = Store.open(s)) {
            out.println("Store " + s.target().masked() + " is at schema version "
                    + store.migrations().status().schemaVersion() + " (" + pending + " migration(s) applied now).");
        }
        return 0;
    }
}
