package io.kaged.actors.session;

import io.kaged.persistence.serialization.KagedSerializable;
import java.util.List;
import java.util.Map;

/** What an operator asked for when creating a session; validated by the API before it gets here. */
public record SessionSpec(
        List<String> command,
        String cwd,
        Map<String, String> env,
        int cols,
        int rows,
        String name,
        String project,
        RestartPolicy restart)
        implements KagedSerializable {

    public SessionSpec {
        command = List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);
        restart = restart == null ? RestartPolicy.NEVER : restart;
    }

    public SessionSpec withSize(int newCols, int newRows) {
        return new SessionSpec(command, cwd, env, newCols, newRows, name, project, restart);
    }
}
