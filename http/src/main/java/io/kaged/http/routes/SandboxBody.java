package io.kaged.http.routes;

import io.kaged.actors.process.SandboxLimits;
import io.kaged.actors.process.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code sandbox} of {@code POST /v1/runs} and {@code POST /v1/sessions}: every path absolute and
 * present on this host (bubblewrap cannot bind what is not there), and none of them kaged's own; limits
 * well formed (whether this host can apply them is known only at each attempt).
 */
record SandboxBody(
        Boolean network, List<String> writable, List<String> readOnly, Boolean required, SandboxLimits limits) {

    private static final int MAX_PATHS = 64;

    /** The spec, or null when the request asked for no sandbox. */
    static SandboxSpec validate(SandboxBody b) {
        if (b == null) {
            return null;
        }
        paths("sandbox.writable", b.writable());
        paths("sandbox.readOnly", b.readOnly());
        if (b.limits() != null) {
            if (b.limits().memory() != null) {
                JsonBodies.noNul("sandbox.limits.memory", b.limits().memory());
            }
            String problem = b.limits().problem();
            if (problem != null) {
                throw new JsonBodies.BadRequest(problem);
            }
        }
        return new SandboxSpec(b.network(), b.writable(), b.readOnly(), b.required(), b.limits());
    }

    private static void paths(String field, List<String> paths) {
        if (paths == null) {
            return;
        }
        if (paths.size() > MAX_PATHS) {
            throw new JsonBodies.BadRequest("Field '" + field + "' holds at most " + MAX_PATHS + " paths.");
        }
        for (String p : paths) {
            JsonBodies.noNul(field, p);
            if (!isAbsoluteAndThere(p)) {
                throw new JsonBodies.BadRequest(
                        "Field '" + field + "' must hold absolute paths that exist on this host; not: " + p);
            }
        }
    }

    private static boolean isAbsoluteAndThere(String p) {
        try {
            Path path = Path.of(p);
            return path.isAbsolute() && path.normalize().equals(path) && Files.exists(path);
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
