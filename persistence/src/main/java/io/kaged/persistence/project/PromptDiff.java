package io.kaged.persistence.project;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A unified diff of two prompt versions, as {@code diff -u} prints it, so {@code patch} applies it.
 *
 * <p>Lines are compared with their line ends, so a version that only gains or loses its final newline
 * differs, and such a last line is followed by {@code \ No newline at end of file}.
 */
public final class PromptDiff {

    private static final int CONTEXT_LINES = 3;
    private static final String NO_NEWLINE = "\\ No newline at end of file\n";
    private static final Pattern HUNK = Pattern.compile("@@ -(\\d+),(\\d+) \\+(\\d+),(\\d+) @@(.*)");

    private PromptDiff() {}

    /** The diff from {@code from} to {@code to}; empty when their texts are equal. */
    public static String unified(PromptVersion from, PromptVersion to) {
        List<String> a = lines(from.body());
        List<String> b = lines(to.body());
        Patch<String> patch = DiffUtils.diff(a, b);
        if (patch.getDeltas().isEmpty()) {
            return "";
        }
        List<String> out = UnifiedDiffUtils.generateUnifiedDiff(label(from), label(to), a, patch, CONTEXT_LINES);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < out.size(); i++) {
            String line = out.get(i);
            // The two file headers and the hunk headers carry no line end; a content line ("-", "+" or
            // " " and the text) carries its own, unless it was the last line of a text without one.
            boolean hunk = i >= 2 && line.startsWith("@@");
            text.append(hunk ? gnuRanges(line) : line);
            if (i < 2 || hunk) {
                text.append('\n');
            } else if (!line.endsWith("\n")) {
                text.append('\n').append(NO_NEWLINE);
            }
        }
        return text.toString();
    }

    /**
     * GNU diff numbers an empty range by the line before it ({@code -0,0} for an insertion into an empty
     * text); the library numbers it by the line after, which {@code patch} misreads.
     */
    static String gnuRanges(String hunkHeader) {
        Matcher m = HUNK.matcher(hunkHeader);
        if (!m.matches()) {
            return hunkHeader;
        }
        return "@@ -" + range(m.group(1), m.group(2)) + " +" + range(m.group(3), m.group(4)) + " @@" + m.group(5);
    }

    private static String range(String start, String length) {
        int s = Integer.parseInt(start);
        return (length.equals("0") ? Math.max(0, s - 1) : s) + "," + length;
    }

    private static String label(PromptVersion v) {
        return v.project() + "/" + v.prompt() + "@" + v.version();
    }

    /** The text's lines, each with its {@code \n}; the last one without if the text does not end with one. */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lines.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) {
            lines.add(text.substring(start));
        }
        return lines;
    }
}
