package io.kaged.persistence.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs pg_dump / pg_restore with the password in the environment, and explains a missing tool. */
final class ExternalTool {

    private ExternalTool() {}

    /** Finds {@code command} (a name on PATH or a path) or fails naming the package to install. */
    static String locate(String command, String setting) {
        if (command.contains("/")) {
            if (Files.isExecutable(Path.of(command))) {
                return command;
            }
        } else {
            String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
            for (String dir : path.split(":")) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                    return Path.of(dir, command).toString();
                }
            }
        }
        throw new BackupException(command + " was not found, and PostgreSQL backups need it: install the"
                + " PostgreSQL client tools of your server's major version (Debian/Ubuntu: apt-get install"
                + " postgresql-client) or point " + setting + " at the binary.");
    }

    /** Runs the tool to completion; on failure the exception carries its error output. */
    static void run(List<String> command, String password, Progress progress) {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        if (password != null) {
            pb.environment().put("PGPASSWORD", password);
        }
        try {
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(6, TimeUnit.HOURS) || p.exitValue() != 0) {
                throw new BackupException(
                        Path.of(command.get(0)).getFileName() + " failed" + (output.isEmpty() ? "" : ": " + output));
            }
            if (!output.isEmpty()) {
                output.lines().forEach(progress::report);
            }
        } catch (IOException e) {
            throw new BackupException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupException("interrupted while running " + command.get(0), e);
        }
    }
}
