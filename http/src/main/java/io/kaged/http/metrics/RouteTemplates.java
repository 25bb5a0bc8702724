package io.kaged.http.metrics;

import java.util.List;

/**
 * Maps a request path to the route template it matches ({@code /v1/runs/0190.../output} →
 * {@code /v1/runs/{id}/output}), so that HTTP metrics are labelled by route, never by raw path: ids in
 * labels would make a new time series per session and run. Every path that no template matches collapses
 * to {@link #UNMATCHED}, so scanners probing random paths cannot grow the label set either.
 *
 * <p>The list mirrors the route classes; a route added there without a template here is counted as
 * {@link #UNMATCHED} until it is added.
 */
public final class RouteTemplates {

    public static final String UNMATCHED = "unmatched";

    private static final List<String> API = List.of(
            "/metrics",
            "/v1/health",
            "/v1/info",
            "/v1/audit",
            "/v1/stats",
            "/v1/sessions",
            "/v1/sessions/{id}",
            "/v1/sessions/{id}/attach",
            "/v1/sessions/{id}/attach-ticket",
            "/v1/sessions/{id}/input",
            "/v1/sessions/{id}/resize",
            "/v1/sessions/{id}/pause",
            "/v1/sessions/{id}/resume",
            "/v1/sessions/{id}/transcript",
            "/v1/runs",
            "/v1/runs/{id}",
            "/v1/runs/{id}/output",
            "/v1/runs/{id}/events",
            "/v1/runs/{id}/cancel",
            "/v1/runs/{id}/pause",
            "/v1/runs/{id}/resume",
            "/v1/runs/{id}/rollback",
            "/v1/runs/{id}/checkpoints",
            "/v1/projects",
            "/v1/projects/{name}",
            "/v1/projects/{name}/config",
            "/v1/projects/{name}/prompts",
            "/v1/projects/{name}/prompts/{prompt}",
            "/v1/projects/{name}/prompts/{prompt}/versions",
            "/v1/projects/{name}/prompts/{prompt}/versions/{version}",
            "/v1/projects/{name}/prompts/{prompt}/diff");

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

    /** The templates of kaged's API and {@code /metrics}. */
    public static RouteTemplates api() {
        return new RouteTemplates(API);
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
