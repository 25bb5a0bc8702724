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
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> secretEnv)
        implements KagedSerializable {

    public SessionSpec {
        command = List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);
        restart = restart == null ? RestartPolicy.NEVER : restart;
        secretEnv = secretEnv == null ? Map.of() : Map.copyOf(secretEnv);
    }

    public SessionSpec withSize(int newCols, int newRows) {
        return new SessionSpec(command, cwd, env, newCols, newRows, name, project, restart, sandbox, secretEnv);
    }
}
