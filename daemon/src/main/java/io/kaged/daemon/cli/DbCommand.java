package io.kaged.daemon.cli;

import io.kaged.daemon.config.LoadedConfig;
import io.kaged.persistence.backup.Sizes;
import io.kaged.persistence.store.Engine;
import io.kaged.persistence.store.Migrations;
import io.kaged.persistence.store.StorageSettings;
import io.kaged.persistence.store.Store;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kaged db}: which store is active and how far its schema is. Changes nothing. */
@Command(
        name = "db",
        description = "Show the active store: engine, masked URL, file or host, schema version, migrations.",
        subcommands = {DbSetCommand.class, DbMigrateCommand.class})
public final class DbCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModeOption modeOption;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        LoadedConfig loaded = modeOption.load();
        StorageSettings s = StorageSettings.fromConfig(loaded.config(), loaded.env());
        row(out, "engine", s.target().engine().label());
        row(out, "url", s.target().masked() + "  (from " + s.targetSource() + ")");
        Migrations.Status status;
        if (s.target().engine() == Engine.SQLITE) {
            Path file = s.target().sqliteFile();
            boolean exists = Files.exists(file);
            row(
                    out,
                    "file",
                    file
                            + (exists
                                    ? "  (" + Sizes.human(Files.size(file)) + ")"
                                    : "  (not created yet: kaged serve or kaged db migrate creates it)"));
            status = exists ? statusOf(s) : Migrations.ofNewStore();
        } else {
            row(out, "host", s.target().location());
            status = statusOf(s);
        }
        row(out, "schema version", status.schemaVersion());
        row(out, "applied", status.applied().size() + " migration(s)");
        steps(out, status.applied());
        row(
                out,
                "pending",
                status.pending().isEmpty() ? "none" : status.pending().size() + " migration(s)");
        steps(out, status.pending());
        row(out, "home", loaded.home().dir() + "  (" + loaded.home().mode().label() + " mode)");
        row(
                out,
                "config file",
                loaded.file()
                        .map(Path::toString)
                        .orElse("none (defaults; create " + loaded.home().dir().resolve("kaged.conf")
                                + " to override)"));
        return 0;
    }

    private static Migrations.Status statusOf(StorageSettings s) {
        try (Store store = Store.openUnmigrated(s)) {
            return store.migrations().status();
        }
    }

    private static void row(PrintWriter out, String label, String value) {
        out.printf("%-15s %s%n", label, value);
    }

    private static void steps(PrintWriter out, List<Migrations.Step> steps) {
        for (Migrations.Step step : steps) {
            out.printf(
                    "  %-5s %-30s %s%n",
                    step.version(),
                    step.description(),
                    step.installedOn() == null ? "" : DateTimeFormatter.ISO_INSTANT.format(step.installedOn()));
        }
    }
}
