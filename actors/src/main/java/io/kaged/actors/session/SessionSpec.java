package io.kaged.actors.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.kaged.actors.process.SandboxSpec;
import io.kaged.persistence.serialization.KagedSerializable;
import java.util.List;
import java.util.Map;

/**
 * What an operator asked for when creating a session; validated by the API before it gets here.
 *
 * @param sandbox the sandbox the session's process runs in; null runs it without one
 * @param secretEnv environment variables whose values are secrets, by variable name to secret name; looked up
 *     when the process starts, never stored
 * @param workspace whether each checkpoint (taken on pause) also records the files of {@code cwd}; null is no
 */
public record SessionSpec(
        List<String> command,
        String cwd,
        Map<String, String> env,
        int cols,
        int rows,
        String name,
        String project,
        RestartPolicy restart,
        @JsonInclude(JsonInclude.Include.NON_NULL) SandboxSpec sandbox,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> secretEnv,
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean workspace)
        implements KagedSerializable {

    public SessionSpec {
        command = List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);
        restart = restart == null ? RestartPolicy.NEVER : restart;
        secretEnv = secretEnv == null ? Map.of() : Map.copyOf(secretEnv);
    }

    /** A session without a workspace. */
    public SessionSpec(
            List<String> command,
            String cwd,
            Map<String, String> env,
            int cols,
            int rows,
            String name,
            String project,
            RestartPolicy restart,
            SandboxSpec sandbox,
            Map<String, String> secretEnv) {
        this(command, cwd, env, cols, rows, name, project, restart, sandbox, secretEnv, null);
    }

    public SessionSpec withSize(int newCols, int newRows) {
        return new SessionSpec(
                command, cwd, env, newCols, newRows, name, project, restart, sandbox, secretEnv, workspace);
    }

    /** This spec with {@code newSandbox}. */
    public SessionSpec withSandbox(SandboxSpec newSandbox) {
        return new SessionSpec(command, cwd, env, cols, rows, name, project, restart, newSandbox, secretEnv, workspace);
    }

    /** Whether checkpoints record the files of the session's cwd. */
    public boolean hasWorkspace() {
        return Boolean.TRUE.equals(workspace) && cwd != null;
    }
}
