package io.kaged.actors.process;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A launcher whose processes start in their spec's sandbox, with their secrets in the environment and
 * masked in their output; the process itself is started by the launcher it wraps (the pty one for
 * sessions).
 */
public final class ConfinedLauncher implements ProcessLauncher {

    private final ProcessLauncher launcher;
    private final ProcessConfinement confinement;

    public ConfinedLauncher(ProcessLauncher launcher, ProcessConfinement confinement) {
        this.launcher = launcher;
        this.confinement = confinement;
    }

    @Override
    public RunningProcess start(ProcessSpec spec, ProcessOutput sink) throws IOException {
        ProcessConfinement.Prepared p =
                confinement.prepare(spec.command(), spec.cwd(), spec.sandbox(), spec.secretEnv());
        Map<String, String> env = new HashMap<>(spec.env());
        env.putAll(p.secretEnv());
        env.putAll(p.sandboxEnv());
        RunningProcess started;
        try {
            started = launcher.start(
                    new ProcessSpec(p.argv(), spec.cwd(), env, spec.cols(), spec.rows()),
                    p.watch(SecretMask.wrap(sink, p.secretValues())));
        } catch (IOException | RuntimeException e) {
            p.abandon();
            throw e;
        }
        return p.started(started);
    }
}
