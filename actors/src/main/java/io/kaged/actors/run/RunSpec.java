package io.kaged.actors.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.kaged.persistence.serialization.KagedSerializable;
import java.util.List;
import java.util.Map;

/**
 * One dispatch of a command, as recorded before anything starts; validated by the API.
 *
 * @param onParentEnd what happens to this run when its parent is cancelled or times out: null, it is
 *     cancelled too (the default, as for every dispatch recorded before the field existed), or
 *     {@code "abandon"}, it runs on. Left out of the stored JSON when null, so a default dispatch is stored as
 *     before.
 */
public record RunSpec(
        List<String> command,
        String cwd,
        Map<String, String> env,
        String input,
        String parentId,
        String sessionId,
        String project,
        Long timeoutMs,
        int retries,
        @JsonInclude(JsonInclude.Include.NON_NULL) String onParentEnd)
        implements KagedSerializable {

    public static final String CANCEL = "cancel";
    public static final String ABANDON = "abandon";

    public RunSpec {
        command = List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);
        onParentEnd = ABANDON.equals(onParentEnd) ? ABANDON : null;
    }

    /** A run that ends with its parent. */
    public RunSpec(
            List<String> command,
            String cwd,
            Map<String, String> env,
            String input,
            String parentId,
            String sessionId,
            String project,
            Long timeoutMs,
            int retries) {
        this(command, cwd, env, input, parentId, sessionId, project, timeoutMs, retries, null);
    }

    /** Whether this run is cancelled when its parent is cancelled or times out. */
    public boolean endsWithParent() {
        return !ABANDON.equals(onParentEnd);
    }
}
