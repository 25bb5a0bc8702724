package io.kaged.actors.run;

import io.kaged.persistence.serialization.KagedSerializable;
import java.util.List;
import java.util.Map;

/** One dispatch of a command, as recorded before anything starts; validated by the API. */
public record RunSpec(
        List<String> command,
        String cwd,
        Map<String, String> env,
        String input,
        String parentId,
        String sessionId,
        String project,
        Long timeoutMs,
        int retries)
        implements KagedSerializable {

    public RunSpec {
        command = List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);
    }
}
