package io.kaged.actors.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bubblewrap argv that runs a command in a {@link SandboxSpec}'s sandbox. Mounts are applied in argv
 * order, each over the ones before, so the order is the policy: the root read-only, fresh {@code /dev},
 * {@code /proc} and {@code /tmp}, then the paths the spec grants and the workspace, then kaged's own
 * paths hidden last, so that no grant can show them again.
 *
 * <p>No {@code --new-session}: the sandboxed command must stay in the process group kaged signals (pause,
 * resume, cancel reach the group), and a session's command keeps its terminal for job control.
 */
public final class BwrapCommand {

    /** Where a network-less sandbox finds kaged's API socket (inside the private {@code /tmp}). */
    public static final String API_SOCKET_INSIDE = "/tmp/kaged-api.sock";

    private BwrapCommand() {}

    /**
     * The start every sandbox shares, the host's probe included: ended with kaged, its own pid namespace, no
     * capabilities, the root read-only, fresh {@code /dev} and {@code /proc}. A new list, for the caller to
     * add to.
     */
    static List<String> confined(String bwrap) {
        return new ArrayList<>(List.of(
                bwrap,
                "--die-with-parent",
                "--unshare-pid",
                "--cap-drop",
                "ALL",
                "--ro-bind",
                "/",
                "/",
                "--dev",
                "/dev",
                "--proc",
                "/proc"));
    }

    /**
     * @param bwrap the binary, a name looked up on PATH or a path
     * @param cwd the workspace: bound writable and made the working folder; null keeps the caller's
     * @param hidden kaged's paths the process must not see (its home, a store file outside it)
     * @param apiSocket kaged's API socket, bound in when the network is off; null for none
     */
    public static List<String> argv(
            String bwrap, SandboxSpec spec, String cwd, List<Path> hidden, Path apiSocket, List<String> command) {
        List<String> argv = confined(bwrap);
        argv.addAll(List.of("--tmpfs", "/tmp"));
        if (!spec.hasNetwork()) {
            argv.add("--unshare-net");
        }
        for (String p : spec.readOnly()) {
            argv.addAll(List.of("--ro-bind", p, p));
        }
        for (String p : spec.writable()) {
            argv.addAll(List.of("--bind", p, p));
        }
        if (cwd != null) {
            argv.addAll(List.of("--bind", cwd, cwd));
        }
        // after the grants, so that a granted folder above the home does not show it again
        for (Path h : hidden) {
            if (Files.isDirectory(h)) {
                argv.addAll(List.of("--tmpfs", h.toString()));
            } else if (Files.exists(h)) {
                argv.addAll(List.of("--ro-bind", "/dev/null", h.toString()));
            }
        }
        if (bindsApiSocket(spec, apiSocket)) {
            argv.addAll(List.of("--bind", apiSocket.toString(), API_SOCKET_INSIDE));
        }
        if (cwd != null) {
            argv.addAll(List.of("--chdir", cwd));
        }
        argv.add("--");
        argv.addAll(command);
        return argv;
    }

    /** Whether the sandbox gets kaged's API socket, at {@link #API_SOCKET_INSIDE}: when it has no network. */
    public static boolean bindsApiSocket(SandboxSpec spec, Path apiSocket) {
        return !spec.hasNetwork() && apiSocket != null && Files.exists(apiSocket);
    }

    /** The profile as a person reads it in an event or an audit row. */
    public static String profile(SandboxSpec spec, String cwd) {
        StringBuilder b = new StringBuilder("bubblewrap: root read-only, private /tmp, kaged home hidden, network ")
                .append(spec.hasNetwork() ? "on" : "off (kaged's API on " + API_SOCKET_INSIDE + ")");
        if (spec.networkDeniedBy() != null) {
            b.append(" as project ").append(spec.networkDeniedBy()).append(" denies it");
        }
        if (cwd != null) {
            b.append(", workspace ").append(cwd).append(" writable");
        }
        if (!spec.writable().isEmpty()) {
            b.append(", writable ").append(String.join(" ", spec.writable()));
        }
        if (!spec.readOnly().isEmpty()) {
            b.append(", read-only ").append(String.join(" ", spec.readOnly()));
        }
        return b.toString();
    }
}
