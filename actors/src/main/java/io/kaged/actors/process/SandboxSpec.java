package io.kaged.actors.process;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The sandbox a run's or session's process runs in (bubblewrap): the root file system read-only, a private
 * {@code /tmp}, kaged's home invisible, the working directory writable.
 *
 * @param network whether the process may open network sockets; null is yes
 * @param writable further paths the process may write
 * @param readOnly further paths the process may read that the root file system's view hides
 */
public record SandboxSpec(
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean network,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> writable,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> readOnly) {

    public SandboxSpec {
        writable = writable == null ? List.of() : List.copyOf(writable);
        readOnly = readOnly == null ? List.of() : List.copyOf(readOnly);
    }

    /** Whether the process keeps the host's network. */
    public boolean hasNetwork() {
        return network == null || network;
    }
}
