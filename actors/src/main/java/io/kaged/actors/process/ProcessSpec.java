package io.kaged.actors.process;

import java.util.List;
import java.util.Map;

/**
 * What to start: argv, working folder, extra environment and terminal size; and, for a {@link
 * ConfinedLauncher}, the sandbox to start it in and the env variables whose values are secrets (by secret
 * name).
 */
public record ProcessSpec(
        List<String> command,
        String cwd,
        Map<String, String> env,
        int cols,
        int rows,
        SandboxSpec sandbox,
        Map<String, String> secretEnv) {

    public ProcessSpec {
        secretEnv = secretEnv == null ? Map.of() : Map.copyOf(secretEnv);
    }

    /** A process with neither sandbox nor secrets. */
    public ProcessSpec(List<String> command, String cwd, Map<String, String> env, int cols, int rows) {
        this(command, cwd, env, cols, rows, null, null);
    }
}
