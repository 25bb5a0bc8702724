package io.kaged.daemon.cli;

import io.kaged.daemon.config.LoadedConfig;
import io.kaged.persistence.backup.BackupException;
import io.kaged.persistence.backup.BackupResult;
import io.kaged.persistence.backup.BackupService;
import io.kaged.persistence.backup.BackupSettings;
import io.kaged.persistence.backup.Sizes;
import io.kaged.persistence.store.Engine;
import io.kaged.persistence.store.StorageSettings;
import io.kaged.persistence.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kaged backup [--to FILE]}: a consistent, verified copy of the store, even while the daemon writes. */
@Command(name = "backup", description = "Copy the store consistently while the daemon runs, verify the copy.")
public final class BackupCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModeOption modeOption;

    @Option(names = "--to", paramLabel = "FILE", description = "Where to write (default: <home>/backups/kaged-<time>).")
    Path to;

    /**
     * The workspace snapshots are files beside the store, not in it, and a backup does not carry them
     * (docs/adr, "workspace repository per run"): said where they are, every time, so nobody counts on them.
     */
    private void workspacesNote(LoadedConfig loaded) {
        String dir = loaded.config().getString("kaged.workspaces.dir");
        if (dir.isBlank() || !Files.isDirectory(Path.of(dir))) {
            return;
        }
        spec.commandLine()
                .getOut()
                .println("Not included: the runs' workspace snapshots in " + dir + " (copy that folder alongside to"
                        + " keep them; without it, rollbacks of restored runs cannot put their files back).");
    }

    @Override
    public Integer call() {
        LoadedConfig loaded = modeOption.load();
        StorageSettings s = StorageSettings.fromConfig(loaded.config(), loaded.env());
        if (s.target().engine() == Engine.SQLITE && !Files.exists(s.target().sqliteFile())) {
            throw new BackupException("there is no store at " + s.target().sqliteFile()
                    + " yet, so there is nothing to back up (kaged serve or kaged db migrate creates it).");
        }
        try (Store store = Store.open(s)) {
            BackupService backups = new BackupService(
                    store,
                    BackupSettings.fromConfig(loaded.config(), loaded.home()),
                    Clock.systemUTC(),
                    spec.commandLine().getErr()::println);
            BackupResult r = backups.backup(to, Cli.actor());
            spec.commandLine()
                    .getOut()
                    .printf(
                            Locale.ROOT,
                            "Backup of %s written to %s (%s; %s) in %.1f s%n",
                            s.target().masked(),
                            r.file(),
                            Sizes.human(r.bytes()),
                            r.verification(),
                            r.took().toMillis() / 1000.0);
        }
        workspacesNote(loaded);
        return 0;
    }
}
