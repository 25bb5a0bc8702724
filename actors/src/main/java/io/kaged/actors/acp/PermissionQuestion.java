package io.kaged.actors.acp;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a policy looks at in a permission request: the tool kind, the files it touches as paths relative to
 * the workspace (with {@code '/'} separators), whether it touches any file outside the workspace, and for a
 * command the command line. Built once per request from the agent's tool call.
 */
public record PermissionQuestion(ToolKind kind, List<String> paths, boolean touchesOutside, String command) {

    public PermissionQuestion {
        kind = kind == null ? ToolKind.OTHER : kind;
        paths = List.copyOf(paths);
    }

    /**
     * The question a tool call asks. Files are its locations and the paths of its diffs; a relative one is
     * taken from {@code roots.get(0)} (the run's cwd). The command is {@code rawInput.command} (a string, or
     * an argv joined by spaces), else {@code rawInput.cmd}, else the title without backticks for an execute
     * call: agents differ, and the title is what the operator sees.
     */
    public static PermissionQuestion of(SessionUpdate.ToolCallUpdate toolCall, List<Path> roots) {
        Set<String> files = new LinkedHashSet<>();
        if (toolCall.locations() != null) {
            toolCall.locations().forEach(l -> files.add(l.path()));
        }
        if (toolCall.content() != null) {
            toolCall.content().stream()
                    .filter(ToolCallContent.Diff.class::isInstance)
                    .map(c -> ((ToolCallContent.Diff) c).path())
                    .forEach(files::add);
        }
        List<String> relative = new ArrayList<>();
        boolean outside = false;
        for (String file : files) {
            String inside = file == null ? null : relativize(file, roots);
            if (inside == null) {
                outside = true;
            } else {
                relative.add(inside);
            }
        }
        return new PermissionQuestion(toolCall.kind(), relative, outside, command(toolCall));
    }

    private static String relativize(String file, List<Path> roots) {
        if (roots.isEmpty()) {
            return null;
        }
        Path path = Path.of(file);
        path = (path.isAbsolute() ? path : roots.get(0).resolve(path)).normalize();
        for (Path root : roots) {
            Path base = root.toAbsolutePath().normalize();
            if (path.startsWith(base)) {
                return base.relativize(path).toString().replace('\\', '/');
            }
        }
        return null;
    }

    private static String command(SessionUpdate.ToolCallUpdate toolCall) {
        JsonNode raw = toolCall.rawInput();
        if (raw != null) {
            for (String field : List.of("command", "cmd")) {
                JsonNode value = raw.get(field);
                if (value != null && value.isTextual()) {
                    return value.asText();
                }
                if (value != null && value.isArray()) {
                    List<String> argv = new ArrayList<>();
                    value.forEach(arg -> argv.add(arg.asText()));
                    return String.join(" ", argv);
                }
            }
        }
        if (toolCall.kind() == ToolKind.EXECUTE && toolCall.title() != null) {
            return toolCall.title().replace("`", "").trim();
        }
        return null;
    }
}
