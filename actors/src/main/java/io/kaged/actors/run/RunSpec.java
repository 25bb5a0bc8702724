package io.kaged.actors.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.kaged.actors.process.SandboxSpec;
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
 * @param acp set for an ACP run: kaged is the agent's ACP client over its stdio; null for a plain run
 * @param workspace whether the run's cwd is a workspace whose files each checkpoint records; null is no
 * @param sandbox the sandbox the process runs in; null runs it without one, except an ACP run, which gets
 *     {@link SandboxSpec#agentDefault()}
 * @param secretEnv environment variables whose values are secrets, by variable name to secret name; only the
 *     names are stored, the values are looked up when the process starts
 *
 * <p>The fields added after the first stored format are left out of the stored JSON when unset, so a
 * dispatch that uses none of them is stored as before.
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
        @JsonInclude(JsonInclude.Include.NON_NULL) String onParentEnd,
        @JsonInclude(JsonInclude.Include.NON_NULL) AcpSpec acp,
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean workspace,
        @JsonInclude(JsonInclude.Include.NON_NULL) SandboxSpec sandbox,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> secretEnv)
        implements KagedSerializable {

    public static final String CANCEL = "cancel";
    public static final String ABANDON = "abandon";

    public RunSpec {
        command = List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);
        onParentEnd = ABANDON.equals(onParentEnd) ? ABANDON : null;
        secretEnv = secretEnv == null ? Map.of() : Map.copyOf(secretEnv);
        // an agent runs sandboxed unless its dispatch says how: its workspace writable, the network on
        if (sandbox == null && acp != null) {
            sandbox = SandboxSpec.agentDefault();
        }
    }

    /** A plain dispatch that ends with its parent: no ACP, no workspace, no sandbox, no secrets. */
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
        this(command, cwd, env, input, parentId, sessionId, project, timeoutMs, retries, null, null, null, null, null);
    }

    /** This spec with {@code newSandbox}. */
    public RunSpec withSandbox(SandboxSpec newSandbox) {
        return new RunSpec(
                command,
                cwd,
                env,
                input,
                parentId,
                sessionId,
                project,
                timeoutMs,
                retries,
                onParentEnd,
                acp,
                workspace,
                newSandbox,
                secretEnv);
    }

    /** Whether kaged speaks ACP with this run's process. */
    public boolean speaksAcp() {
        return acp != null;
    }

    /** Whether this run's checkpoints record its workspace's files: asked for, or an ACP run's default. */
    public boolean hasWorkspace() {
        return workspace != null ? workspace : speaksAcp();
    }

    /** Whether this run is cancelled when its parent is cancelled or times out. */
    public boolean endsWithParent() {
        return !ABANDON.equals(onParentEnd);
    }
}
