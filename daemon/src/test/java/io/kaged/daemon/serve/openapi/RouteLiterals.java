package io.kaged.daemon.serve.openapi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every literal path segment the routing code could match: the string literals passed to Pekko's path
 * directives and matchers ({@code path("runs")}, {@code pathPrefix("v1")}, {@code segment("x")}, ...) in
 * each main source file of the build that uses Pekko's routing DSL. The completeness test probes the
 * server with them, so a route added under a new literal name is found even though nothing documents it.
 * A literal that is not a route (a JSON field read with {@code node.path("x")}) only adds a probe.
 */
final class RouteLiterals {

    private static final Pattern CALL = Pattern.compile(
            "\\b(?:path|pathPrefix|pathPrefixTest|pathSuffix|pathSuffixTest|rawPathPrefix|rawPathPrefixTest"
                    + "|segment|slash|separateOnSlashes)\\(\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final String ROUTING_DSL = "org.apache.pekko.http.javadsl.server";

    private RouteLiterals() {}

    /** The literals found under every {@code <module>/src/main/java} of the build rooted at {@code root}. */
    static Set<String> scan(Path root) {
        Set<String> literals = new TreeSet<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path sources : modules.map(m -> m.resolve("src/main/java"))
                    .filter(Files::isDirectory)
                    .toList()) {
                try (Stream<Path> files = Files.walk(sources)) {
                    for (Path file :
                            files.filter(f -> f.toString().endsWith(".java")).toList()) {
                        String code = Files.readString(file);
                        if (code.contains(ROUTING_DSL)) {
                            addLiterals(code, literals);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sources under " + root, e);
        }
        return literals;
    }

    private static void addLiterals(String code, Set<String> literals) {
        Matcher m = CALL.matcher(code);
        while (m.find()) {
            // path("a/b") matches two segments: probe each, and the pair
            String literal = m.group(1).replaceAll("^/+|/+$", "");
            if (literal.isEmpty()) {
                continue;
            }
            literals.add(literal);
            for (String segment : literal.split("/+")) {
                literals.add(segment);
            }
        }
    }
}
