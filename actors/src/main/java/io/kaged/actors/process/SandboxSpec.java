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
 * @param required whether a sandbox that cannot be set up refuses the process; null is yes, false runs it
 *     without one (recorded as skipped)
 * @param limits memory, CPU and pids for the process tree, through a cgroup where the host delegates one
 *     (skipped and recorded where it does not); null for none
 * @param networkDeniedBy the project whose config denies network to its runs and sessions (and their
 *     descendants), set at dispatch; such a sandbox is never skipped, and one that asks for the network is
 *     refused ({@link #policyRefusal()}); null where no project denies it
 */
public record SandboxSpec(
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean network,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> writable,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> readOnly,
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean required,
        @JsonInclude(JsonInclude.Include.NON_NULL) SandboxLimits limits,
        @JsonInclude(JsonInclude.Include.NON_NULL) String networkDeniedBy) {

    public SandboxSpec {
        writable = writable == null ? List.of() : List.copyOf(writable);
        readOnly = readOnly == null ? List.of() : List.copyOf(readOnly);
    }

    public SandboxSpec(Boolean network, List<String> writable, List<String> readOnly) {
        this(network, writable, readOnly, null, null, null);
    }

    public SandboxSpec(Boolean network, List<String> writable, List<String> readOnly, Boolean required) {
        this(network, writable, readOnly, required, null, null);
    }

    public SandboxSpec(
            Boolean network, List<String> writable, List<String> readOnly, Boolean required, SandboxLimits limits) {
        this(network, writable, readOnly, required, limits, null);
    }

    /** This sandbox with {@code newLimits}. */
    public SandboxSpec withLimits(SandboxLimits newLimits) {
        return new SandboxSpec(network, writable, readOnly, required, newLimits, networkDeniedBy);
    }

    /**
     * This sandbox under project {@code project}'s denial of the network: without the network where it did
     * not ask for it, refused where it did.
     */
    public SandboxSpec deniedNetworkBy(String project) {
        return new SandboxSpec(
                network == null ? Boolean.FALSE : network, writable, readOnly, required, limits, project);
    }

    /**
     * Why kaged refuses to start a process in this sandbox whatever the host can do, or null: it asks for the
     * network a project denies.
     */
    public String policyRefusal() {
        if (networkDeniedBy == null || !hasNetwork()) {
            return null;
        }
        return "sandbox refused: project " + networkDeniedBy + "'s config denies network to its runs and sessions"
                + " (sandbox.network: false), and this one asks for the network (sandbox.network true, or no"
                + " sandbox); dispatch it with sandbox.network false, or allow the network with PUT /v1/projects/"
                + networkDeniedBy + "/config";
    }

    /** The limits to apply, or null when none is set. */
    public SandboxLimits limitsToApply() {
        return limits != null && limits.any() ? limits : null;
    }

    /** The default of an ACP run: the workspace writable, the network on (agents call their model's API). */
    public static SandboxSpec agentDefault() {
        return new SandboxSpec(null, List.of(), List.of(), null, null);
    }

    /** Whether the process keeps the host's network. */
    public boolean hasNetwork() {
        return network == null || network;
    }

    /** Whether a sandbox that cannot be set up refuses the process rather than running it without one. */
    public boolean mustApply() {
        // a sandbox skipped would give the process the network its project denies
        return required == null || required || networkDeniedBy != null;
    }
}
