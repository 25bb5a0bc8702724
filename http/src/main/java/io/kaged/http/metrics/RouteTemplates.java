package io.kaged.http.metrics;

import java.util.List;

/**
 * Maps a request path to the route template it matches ({@code /v1/runs/0190.../output} →
 * {@code /v1/runs/{id}/output}), so that HTTP metrics are labelled by route, never by raw path: ids in
 * labels would make a new time series per session and run. Every path that no template matches collapses
 * to {@link #UNMATCHED}, so scanners probing random paths cannot grow the label set either.
 *
 * <p>The templates are the paths of the API's OpenAPI document, which {@code OpenApiTest} holds to what
 * the server really routes: one list of routes, not a second one to keep in step.
 */
public final class RouteTemplates {

    public static final String UNMATCHED = "unmatched";

    private record Template(String label, String[] segments) {
        boolean matches(String[] path) {
            if (path.length != segments.length) {
                return false;
            }
            for (int i = 0; i < path.length; i++) {
                boolean placeholder = segments[i].startsWith("{");
                if (placeholder ? path[i].isEmpty() : !segments[i].equals(path[i])) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Template> templates;

    private RouteTemplates(List<String> labels) {
        this.templates =
                labels.stream().map(t -> new Template(t, t.split("/", -1))).toList();
    }

    /** The templates of kaged's API and {@code /metrics}: the paths of the bundled OpenAPI document. */
    public static RouteTemplates api() {
        try (java.io.InputStream in = RouteTemplates.class.getResourceAsStream("/io/kaged/http/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI document is missing from the jar");
            }
            java.util.List<String> paths = new java.util.ArrayList<>();
            new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(in)
                    .get("paths")
                    .fieldNames()
                    .forEachRemaining(paths::add);
            return new RouteTemplates(paths);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the OpenAPI document", e);
        }
    }

    /** Every template, in the order they are tried. */
    public List<String> all() {
        return templates.stream().map(Template::label).toList();
    }

    /** The template {@code path} matches, or {@link #UNMATCHED}. */
    public String of(String path) {
        String[] segments = path.split("/", -1);
        for (Template t : templates) {
            if (t.matches(segments)) {
                return t.label();
            }
        }
        return UNMATCHED;
    }
}
