package io.kaged.actors.run.agent;

import io.kaged.actors.run.RunSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where an ACP agent's fs/* requests and terminals may go besides the run's cwd: the folders its sandbox makes
 * writable ({@code sandbox.writable}, ADR-0073). One setting, so what kaged serves on the agent's behalf matches
 * what the agent's own processes may write in its sandbox. A run without a sandbox has none: its workspace is
 * its cwd.
 */
final class AgentWorkspace {

    private AgentWorkspace() {}

    /**
     * The extra directories of {@code spec}'s workspace: its sandbox's writable paths that are folders now (a
     * writable file is not a root to serve files under; one gone since the dispatch is left out rather than
     * failing every request).
     */
    static List<Path> extraDirectories(RunSpec spec) {
        if (spec.sandbox() == null) {
            return List.of();
        }
        return spec.sandbox().writable().stream()
                .map(p -> Path.of(p).toAbsolutePath().normalize())
                .filter(Files::isDirectory)
                .distinct()
                .toList();
    }
}
