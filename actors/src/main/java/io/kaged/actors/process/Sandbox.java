package io.kaged.actors.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a process into its {@link SandboxSpec}'s sandbox, or says why it cannot. Whether bubblewrap works
 * on this host (the binary is there, user namespaces are allowed) is probed once, by starting a trivial
 * sandbox, as soon as the daemon starts; every launch asks the same answer.
 */
public final class Sandbox {

    /**
     * @param bwrap the bubblewrap binary: a name looked up on PATH, or a path
     * @param hidden kaged's paths no sandboxed process may see: its home, a store file outside it
     * @param apiSocket kaged's API on a Unix socket, bound into a sandbox without network; null for none
     */
    public record Settings(String bwrap, List<Path> hidden, Path apiSocket) {
        public Settings {
            hidden = List.copyOf(hidden);
        }
    }

    /**
     * What to start: the argv (the sandbox's, or the command's own), what became of the sandbox, and the
     * variables it adds to the environment ({@code KAGED_SOCKET} where the API socket is bound in).
     */
    public record Plan(List<String> argv, SandboxOutcome outcome, Map<String, String> env) {}

    private static final Logger log = LoggerFactory.getLogger(Sandbox.class);

    private final Settings settings;
    private final CompletableFuture<String> problem;

    /** Starts the probe on {@code blocking}; a launch waits for it if it has not answered yet. */
    public Sandbox(Settings settings, Executor blocking) {
        this.settings = settings;
        this.problem = CompletableFuture.supplyAsync(() -> probe(settings.bwrap()), blocking);
        problem.thenAccept(why -> {
            if (why != null) {
                log.warn(
                        "Sandboxes cannot be set up here: {}. Runs and sessions that ask for one are refused"
                                + " unless their sandbox says required: false.",
                        why);
            }
        });
    }

    /** A sandbox with bubblewrap from PATH that hides nothing of kaged's: for tests and tools. */
    public static Sandbox onPath(Executor blocking) {
        return new Sandbox(new Settings("bwrap", List.of(), null), blocking);
    }

    public Settings settings() {
        return settings;
    }

    /**
     * The argv that starts {@code command} in {@code spec}'s sandbox (the command itself when {@code spec}
     * is null). Blocking: waits for the probe.
     *
     * @throws SandboxRefused when the sandbox cannot be set up and the spec requires one
     */
    public Plan plan(SandboxSpec spec, String cwd, List<String> command) throws SandboxRefused {
        if (spec == null) {
            return new Plan(command, null, Map.of());
        }
        String denied = spec.policyRefusal();
        if (denied != null) {
            throw new SandboxRefused(denied);
        }
        String inside = insideHidden(spec, cwd);
        if (inside != null) {
            throw new SandboxRefused("sandbox refused: " + inside + " is inside kaged's home, which a sandbox hides");
        }
        String why = problem();
        if (why != null) {
            if (spec.mustApply()) {
                throw new SandboxRefused("sandbox refused: " + why
                        + "; install bubblewrap (Debian package bubblewrap)"
                        + (spec.networkDeniedBy() == null
                                ? ", or set sandbox.required to false to run without one"
                                : "; project " + spec.networkDeniedBy()
                                        + " denies the network, so its runs and sessions do not go without one"));
            }
            return new Plan(command, new SandboxOutcome.Skipped(why), Map.of());
        }
        boolean socket = BwrapCommand.bindsApiSocket(spec, settings.apiSocket());
        return new Plan(
                BwrapCommand.argv(settings.bwrap(), spec, cwd, settings.hidden(), settings.apiSocket(), command),
                new SandboxOutcome.Applied(BwrapCommand.profile(spec, cwd)),
                socket ? Map.of("KAGED_SOCKET", BwrapCommand.API_SOCKET_INSIDE) : Map.of());
    }

    /** The workspace or granted path that lies in a path the sandbox hides, or null. */
    private String insideHidden(SandboxSpec spec, String cwd) {
        List<String> granted = new java.util.ArrayList<>(spec.writable());
        granted.addAll(spec.readOnly());
        if (cwd != null) {
            granted.add(cwd);
        }
        for (String g : granted) {
            Path path = Path.of(g).toAbsolutePath().normalize();
            for (Path h : settings.hidden()) {
                if (path.startsWith(h)) {
                    return g;
                }
            }
        }
        return null;
    }

    /** For a person, without waiting: "bubblewrap", "unavailable: why", or "being probed". */
    public String status() {
        if (!problem.isDone()) {
            return "being probed";
        }
        String why = problem.join();
        return why == null ? "bubblewrap" : "unavailable: " + why;
    }

    /** Why a sandbox cannot be set up on this host, or null when it can. Blocking. */
    public String problem() {
        return problem.join();
    }

    private static String probe(String bwrap) {
        List<String> argv = BwrapCommand.confined(bwrap);
        argv.addAll(List.of("--unshare-net", "--", "true"));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return bwrap + " did not set up a trivial sandbox within 10 s";
            }
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0
                    ? null
                    : bwrap + " cannot set up a sandbox here (exit " + p.exitValue() + ": " + said
                            + "); user namespaces may be disabled";
        } catch (IOException e) {
            return "bubblewrap is not available (" + bwrap + ": " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "the sandbox probe was interrupted";
        }
    }
}
