package io.kaged.daemon.cli;

import io.kaged.daemon.config.LoadedConfig;
import io.kaged.persistence.backup.BackupSettings;
import io.kaged.persistence.backup.RestoreService;
import io.kaged.persistence.store.StorageSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kaged restore FILE}: replaces the store with a backup, keeping the old one aside. */
@Command(name = "restore", description = "Replace the store with a backup (refused while the daemon runs).")
public final class RestoreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModeOption modeOption;

    @Parameters(paramLabel = "FILE", description = "A file made by kaged backup.")
    Path file;

    @Override
    public Integer call() {
        LoadedConfig loaded = modeOption.load();
        StorageSettings s = StorageSettings.fromConfig(loaded.config(), loaded.env());
        RestoreService restores = new RestoreService(
                s,
                BackupSettings.fromConfig(loaded.config(), loaded.home()),
                Clock.systemUTC(),
                spec.commandLine().getErr()::println);
        RestoreService.Result r = restores.restore(file, Cli.actor());
        spec.commandLine()
                .getOut()
                .println("Restored " + r.restoredFrom() + " into " + s.target().masked()
                        + "; the previous store is kept at " + r.keptAside());
        return 0;
    }
}
