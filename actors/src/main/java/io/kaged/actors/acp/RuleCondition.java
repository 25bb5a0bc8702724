package io.kaged.actors.acp;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Arrays;
import java.util.List;

/**
 * One test of a {@link PermissionRule}. A rule that allows must hold for everything the tool call touches
 * (every file in the glob, nothing outside the workspace, every command in a compound command line), so an
 * allow never carries along something it did not name. A rule that rejects or asks needs one thing to match
 * (one file, one command), so a reject is not slipped past by adding an innocent part.
 */
public sealed interface RuleCondition {

    /** {@code all}: the allow reading; otherwise the reject/ask reading. */
    boolean test(PermissionQuestion question, boolean all);

    String describe();

    record KindIs(ToolKind kind) implements RuleCondition {
        @Override
        public boolean test(PermissionQuestion question, boolean all) {
            return question.kind() == kind;
        }

        @Override
        public String describe() {
            return "kind " + kind.wireName();
        }
    }

    /** A glob over workspace-relative paths: {@code *} within one directory, {@code **} across them. */
    record PathGlob(String glob, PathMatcher matcher) implements RuleCondition {
        public static PathGlob of(String glob) {
            return new PathGlob(glob, FileSystems.getDefault().getPathMatcher("glob:" + glob));
        }

        @Override
        public boolean test(PermissionQuestion question, boolean all) {
            if (question.paths().isEmpty()) {
                return false;
            }
            if (all) {
                return !question.touchesOutside() && question.paths().stream().allMatch(this::matches);
            }
            return question.paths().stream().anyMatch(this::matches);
        }

        private boolean matches(String path) {
            return matcher.matches(Path.of(path));
        }

        @Override
        public String describe() {
            return "path " + glob;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PathGlob other && other.glob.equals(glob);
        }

        @Override
        public int hashCode() {
            return glob.hashCode();
        }
    }

    /**
     * A command prefix, by whole words: {@code git push} matches {@code git push origin main}, not {@code git
     * pushall}. A command line is split at {@code && || ; | &} and newlines into the commands it runs.
     */
    record CommandPrefix(List<String> words) implements RuleCondition {
        public static CommandPrefix of(String prefix) {
            return new CommandPrefix(words(prefix));
        }

        @Override
        public boolean test(PermissionQuestion question, boolean all) {
            if (question.command() == null) {
                return false;
            }
            List<List<String>> commands = Arrays.stream(question.command().split("&&|\\|\\||;|\\||&|\\n"))
                    .map(CommandPrefix::words)
                    .filter(w -> !w.isEmpty())
                    .toList();
            if (commands.isEmpty()) {
                return false;
            }
            return all
                    ? commands.stream().allMatch(this::starts)
                    : commands.stream().anyMatch(this::starts);
        }

        private boolean starts(List<String> command) {
            return command.size() >= words.size()
                    && command.subList(0, words.size()).equals(words);
        }

        private static List<String> words(String text) {
            return Arrays.stream(text.trim().split("\\s+"))
                    .filter(w -> !w.isEmpty())
                    .toList();
        }

        @Override
        public String describe() {
            return "command " + String.join(" ", words);
        }
    }
}
