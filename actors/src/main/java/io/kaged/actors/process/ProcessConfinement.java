package io.kaged.actors.process;

import io.kaged.persistence.secret.SecretStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * What both launchers do to a command before it starts: put it in its sandbox and its cgroup (the limits),
 * and give it its secrets.
 * Secret values are read here, when the process starts, and go only into its environment and into the
 * mask over its output; they are never in a spec, an event or a row.
 */
public final class ProcessConfinement {

    /** A secret an env variable names is not kept: the process is not started. */
    public static final class SecretMissing extends IOException {
        public SecretMissing(String message) {
            super(message);
        }
    }

    /**
     * The command as it is to be started.
     *
     * @param argv the sandbox's argv around the command, or the command itself
     * @param secretEnv the variables whose values are secrets, with their values
     * @param outcome what became of the sandbox; null when none was asked for
     * @param sandboxEnv what the sandbox adds to the environment ({@code KAGED_SOCKET})
     * @param limits what became of the limits; null when none were asked for
     * @param cgroup the attempt's cgroup when the limits apply; null otherwise
     */
    public record Prepared(
            List<String> argv,
            Map<String, String> secretEnv,
            SandboxOutcome outcome,
            Map<String, String> sandboxEnv,
            LimitsOutcome limits,
            CgroupAttempt cgroup) {

        /** The values to mask in the process's output. */
        public List<String> secretValues() {
            return List.copyOf(secretEnv.values());
        }

        /** {@code process} as started, with what became of its sandbox and limits. */
        public RunningProcess started(RunningProcess process) {
            return outcome == null && limits == null ? process : new SandboxedProcess(process, outcome, limits, cgroup);
        }

        /** The process could not be started: its cgroup goes. */
        public void abandon() {
            if (cgroup != null) {
                cgroup.close();
            }
        }

        /** {@code sink}, told the exit only after the cgroup's limits hit are read. */
        public OutputSink watch(OutputSink sink) {
            return cgroup == null ? sink : CgroupWatch.of(sink, cgroup);
        }

        /** {@code sink}, told the exit only after the cgroup's limits hit are read. */
        public ProcessOutput watch(ProcessOutput sink) {
            return cgroup == null ? sink : CgroupWatch.of(sink, cgroup);
        }
    }

    private final Sandbox sandbox;
    private final Cgroups cgroups;
    private final SecretStore secrets;

    /** @param secrets null when this daemon keeps none: a process that names one is not started */
    public ProcessConfinement(Sandbox sandbox, Cgroups cgroups, SecretStore secrets) {
        this.sandbox = sandbox;
        this.cgroups = cgroups;
        this.secrets = secrets;
    }

    /** bubblewrap from PATH hiding nothing, this host's cgroups, and no secrets: for tests and tools. */
    public static ProcessConfinement basic(Executor blocking) {
        return new ProcessConfinement(Sandbox.onPath(blocking), Cgroups.host(true, blocking), null);
    }

    public Cgroups cgroups() {
        return cgroups;
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    public SecretStore secrets() {
        return secrets;
    }

    /**
     * Blocking: reads the secrets, and waits for the sandbox probe.
     *
     * @throws SandboxRefused when the sandbox is required and cannot be set up
     * @throws SecretMissing when a secret named is not kept
     */
    public Prepared prepare(List<String> command, String cwd, SandboxSpec spec, Map<String, String> secretEnv)
            throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> e : secretEnv.entrySet()) {
            String value = secrets == null ? null : secrets.get(e.getValue()).orElse(null);
            if (value == null) {
                missing.add(e.getValue() + " (for " + e.getKey() + ")");
            } else {
                values.put(e.getKey(), value);
            }
        }
        if (!missing.isEmpty()) {
            throw new SecretMissing("secret not set: " + String.join(", ", missing)
                    + "; set it with kaged secret set NAME (kaged secret ls lists them)");
        }
        Sandbox.Plan plan = sandbox.plan(spec, cwd, command);
        SandboxLimits limits = spec == null ? null : spec.limitsToApply();
        if (limits == null) {
            return new Prepared(plan.argv(), Map.copyOf(values), plan.outcome(), plan.env(), null, null);
        }
        String[] skipped = new String[1];
        CgroupAttempt cgroup = cgroups.open(limits, why -> skipped[0] = why);
        if (cgroup == null) {
            return new Prepared(
                    plan.argv(),
                    Map.copyOf(values),
                    plan.outcome(),
                    plan.env(),
                    new LimitsOutcome.Skipped(limits.describe(), skipped[0]),
                    null);
        }
        return new Prepared(
                cgroup.wrap(plan.argv()),
                Map.copyOf(values),
                plan.outcome(),
                plan.env(),
                new LimitsOutcome.Applied(limits.describe(), cgroup.where()),
                cgroup);
    }
}
