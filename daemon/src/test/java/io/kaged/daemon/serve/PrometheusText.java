package io.kaged.daemon.serve;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4) for tests: it refuses, with the
 * line number, anything a Prometheus server would refuse, and more that kaged promises: every family has
 * HELP and TYPE before its samples, samples of a family stand together, no series appears twice, and
 * histogram buckets are cumulative up to a {@code +Inf} bucket equal to {@code _count}. As in 0.0.4 (not
 * OpenMetrics), a counter's family name is its sample name, {@code _total} included.
 */
final class PrometheusText {

    record Sample(String name, Map<String, String> labels, double value) {}

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern META = Pattern.compile("# (HELP|TYPE) (\\S+) ?(.*)");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    private final Map<String, String> types = new LinkedHashMap<>();
    private final Map<String, String> helps = new HashMap<>();
    private final List<Sample> samples = new ArrayList<>();

    private PrometheusText() {}

    static PrometheusText parse(String text) {
        PrometheusText parsed = new PrometheusText();
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError("the exposition does not end with a line feed");
        }
        String[] lines = text.split("\n");
        String current = null;
        Set<String> closed = new HashSet<>();
        Set<String> series = new HashSet<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int n = i + 1;
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                Matcher m = META.matcher(line);
                if (!m.matches()) {
                    continue; // a plain comment
                }
                String family = m.group(2);
                check(METRIC_NAME.matcher(family).matches(), n, "bad metric name " + family);
                if (!family.equals(current)) {
                    check(!closed.contains(family), n, "family " + family + " is split");
                    if (current != null) {
                        closed.add(current);
                    }
                    current = family;
                }
                if (m.group(1).equals("TYPE")) {
                    check(TYPES.contains(m.group(3)), n, "unknown type " + m.group(3));
                    check(parsed.types.put(family, m.group(3)) == null, n, "second TYPE for " + family);
                } else {
                    checkHelpEscapes(m.group(3), n);
                    check(parsed.helps.put(family, m.group(3)) == null, n, "second HELP for " + family);
                }
                continue;
            }
            Sample sample = sample(line, n);
            check(current != null && parsed.types.containsKey(current), n, "sample before its TYPE: " + line);
            check(
                    belongs(sample.name(), current, parsed.types.get(current)),
                    n,
                    sample.name() + " is not a sample of the " + parsed.types.get(current) + " " + current);
            check(parsed.helps.containsKey(current), n, "no HELP for " + current);
            check(series.add(sample.name() + sample.labels()), n, "series twice: " + line);
            parsed.samples.add(sample);
        }
        parsed.checkHistograms();
        return parsed;
    }

    private static boolean belongs(String sample, String family, String type) {
        return switch (type) {
            case "histogram" ->
                Set.of(family + "_bucket", family + "_sum", family + "_count").contains(sample);
            case "summary" -> Set.of(family, family + "_sum", family + "_count").contains(sample);
            default -> sample.equals(family);
        };
    }

    private static Sample sample(String line, int n) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        check(METRIC_NAME.matcher(name).matches(), n, "bad metric name in: " + line);
        Map<String, String> labels = new TreeMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                check(eq > 0, n, "label without '=': " + line);
                String label = line.substring(i, eq);
                check(LABEL_NAME.matcher(label).matches(), n, "bad label name " + label);
                check(line.charAt(eq + 1) == '"', n, "unquoted label value: " + line);
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    if (line.charAt(j) == '\\') {
                        j++;
                        char c = line.charAt(j);
                        check(c == '\\' || c == '"' || c == 'n', n, "bad escape in: " + line);
                        value.append(c == 'n' ? '\n' : c);
                    } else {
                        value.append(line.charAt(j));
                    }
                }
                check(labels.put(label, value.toString()) == null, n, "label twice: " + line);
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        check(i < line.length() && line.charAt(i) == ' ', n, "no value in: " + line);
        String[] rest = line.substring(i + 1).split(" ");
        check(rest.length == 1 || (rest.length == 2 && rest[1].matches("-?[0-9]+")), n, "bad value: " + line);
        return new Sample(name, labels, number(rest[0], n));
    }

    private static double number(String text, int n) {
        switch (text) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                check(text.matches("[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?"), n, "bad number " + text);
                return Double.parseDouble(text);
        }
    }

    private static void checkHelpEscapes(String text, int n) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\\') {
                i++;
                check(
                        i < text.length() && (text.charAt(i) == '\\' || text.charAt(i) == 'n'),
                        n,
                        "bad escape in: " + text);
            }
        }
    }

    private void checkHistograms() {
        types.forEach((family, type) -> {
            if (!type.equals("histogram")) {
                return;
            }
            Map<Map<String, String>, TreeMap<Double, Double>> buckets = new HashMap<>();
            for (Sample s : samples) {
                if (s.name().equals(family + "_bucket")) {
                    Map<String, String> series = new TreeMap<>(s.labels());
                    String le = series.remove("le");
                    if (le == null) {
                        throw new AssertionError(family + " bucket without le: " + s);
                    }
                    buckets.computeIfAbsent(series, k -> new TreeMap<>()).put(number(le, 0), s.value());
                }
            }
            buckets.forEach((series, byLe) -> {
                double previous = 0;
                for (double count : byLe.values()) {
                    if (count < previous) {
                        throw new AssertionError(family + " buckets not cumulative for " + series);
                    }
                    previous = count;
                }
                Double inf = byLe.get(Double.POSITIVE_INFINITY);
                if (inf == null || inf != value(family + "_count", series)) {
                    throw new AssertionError(family + " +Inf bucket differs from _count for " + series);
                }
            });
        });
    }

    private static void check(boolean ok, int line, String what) {
        if (!ok) {
            throw new AssertionError("line " + line + ": " + what);
        }
    }

    /** Families and their types, in order of appearance. */
    Map<String, String> types() {
        return types;
    }

    List<Sample> samples() {
        return samples;
    }

    /** The value of the series with exactly these labels, if present. */
    Optional<Double> find(String name, Map<String, String> labels) {
        return samples.stream()
                .filter(s -> s.name().equals(name) && s.labels().equals(labels))
                .map(Sample::value)
                .findFirst();
    }

    /** The value of the series with exactly these labels; a missing series fails the test. */
    double value(String name, Map<String, String> labels) {
        return find(name, labels).orElseThrow(() -> new AssertionError("no series " + name + labels));
    }

    double value(String name) {
        return value(name, Map.of());
    }
}
