package io.kaged.http.routes;

import io.kaged.actors.audit.AuditFilter;
import io.kaged.actors.query.Paging;
import io.kaged.actors.query.QuerySettings;
import io.kaged.actors.query.TranscriptSearch;
import io.kaged.actors.run.RunFilter;
import io.kaged.actors.session.SessionFilter;
import io.kaged.actors.stats.StatsQueries;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The query strings of the list routes and of {@code /v1/stats}, turned into filters. Each mistake is a 400
 * naming the parameter, before any SQL runs.
 */
final class ListFilters {

    static final Set<String> RUN_STATES =
            Set.of("queued", "running", "paused", "succeeded", "failed", "cancelled", "timed-out", "interrupted");
    static final Set<String> SESSION_STATES =
            Set.of("starting", "running", "paused", "exited", "closed", "interrupted");

    private static final Set<String> PAGING = Set.of("after", "cursor", "order", "limit", "offset");
    private static final Set<String> RUN_PARAMS = with(
            PAGING,
            "state",
            "project",
            "parentId",
            "exitCode",
            "command",
            "createdAfter",
            "createdBefore",
            "outputContains");
    private static final Set<String> SESSION_PARAMS =
            with(PAGING, "state", "project", "createdAfter", "createdBefore", "transcriptContains");
    private static final Set<String> AUDIT_PARAMS =
            Set.of("kind", "subject", "after", "before", "cursor", "order", "limit", "offset");
    private static final Set<String> STATS_PARAMS = Set.of("project", "byProject");
    private static final List<String> LIST_CURSORS = List.of("after", "cursor");
    private static final Pattern KIND = Pattern.compile("[a-z0-9_-]+(\\.[a-z0-9_-]+)*(\\.\\*)?");
    private static final int MAX_SEARCH_TEXT = 1000;

    private final QuerySettings settings;

    ListFilters(QuerySettings settings) {
        this.settings = settings;
    }

    /**
     * {@code GET /v1/runs}; for a run's scoped token, {@code parentId} is that run unless given (the route
     * checks a given one is in the token's subtree).
     */
    RunFilter runs(Map<String, String> params, Optional<String> scope) {
        QueryParams.requireKnown(params, RUN_PARAMS);
        Paging paging = QueryParams.paging(params, LIST_CURSORS, false);
        QueryParams.TimeRange created = QueryParams.timeRange(params, "createdAfter", "createdBefore");
        return new RunFilter(
                QueryParams.oneOf(params, "state", RUN_STATES),
                params.get("project"),
                params.getOrDefault("parentId", scope.orElse(null)),
                QueryParams.optionalInt(params, "exitCode", Integer.MIN_VALUE, Integer.MAX_VALUE),
                command(params),
                created.from(),
                created.to(),
                search(params, "outputContains", paging),
                paging);
    }

    /** {@code GET /v1/sessions}. */
    SessionFilter sessions(Map<String, String> params) {
        QueryParams.requireKnown(params, SESSION_PARAMS);
        Paging paging = QueryParams.paging(params, LIST_CURSORS, false);
        QueryParams.TimeRange created = QueryParams.timeRange(params, "createdAfter", "createdBefore");
        return new SessionFilter(
                QueryParams.oneOf(params, "state", SESSION_STATES),
                params.get("project"),
                created.from(),
                created.to(),
                search(params, "transcriptContains", paging),
                paging);
    }

    /**
     * {@code GET /v1/audit}, newest first by default. DESIGN.md makes {@code after} and {@code before}
     * times here, so the keyset cursor is {@code cursor}.
     */
    static AuditFilter audit(Map<String, String> params) {
        QueryParams.requireKnown(params, AUDIT_PARAMS);
        String kind = params.get("kind");
        if (kind != null && !KIND.matcher(kind).matches()) {
            throw new JsonBodies.BadRequest("Parameter 'kind' must be a kind such as run.dispatch, or a family"
                    + " such as run.* (lower-case letters, digits, '-', '_' and dots).");
        }
        QueryParams.TimeRange at = QueryParams.timeRange(params, "after", "before");
        return new AuditFilter(
                kind,
                QueryParams.text(params, "subject", 255),
                at.from(),
                at.to(),
                QueryParams.paging(params, List.of("cursor"), true));
    }

    /** {@code GET /v1/stats}. */
    static StatsQueries.Scope stats(Map<String, String> params) {
        QueryParams.requireKnown(params, STATS_PARAMS);
        String project = QueryParams.text(params, "project", 200);
        boolean byProject = QueryParams.bool(params, "byProject");
        if (project != null && byProject) {
            throw new JsonBodies.BadRequest(
                    "Parameters 'project' and 'byProject' do not combine: ask for one project or for all.");
        }
        return new StatsQueries.Scope(project, byProject);
    }

    /** {@code command} is matched against the program's file name, so a path finds it too. */
    private static String command(Map<String, String> params) {
        String v = QueryParams.text(params, "command", 255);
        if (v == null) {
            return null;
        }
        String name = v.substring(v.lastIndexOf('/') + 1);
        if (name.isEmpty()) {
            throw new JsonBodies.BadRequest("Parameter 'command' must name a program, such as claude or make.");
        }
        return name;
    }

    private TranscriptSearch search(Map<String, String> params, String name, Paging paging) {
        String text = QueryParams.text(params, name, MAX_SEARCH_TEXT);
        if (text == null) {
            return null;
        }
        if (paging.offset() != 0) {
            throw new JsonBodies.BadRequest("Parameter 'offset' does not combine with '" + name
                    + "': a search pages by cursor only (pass the page's 'next' as 'after').");
        }
        return settings.search(text);
    }

    private static Set<String> with(Set<String> base, String... more) {
        Set<String> all = new java.util.HashSet<>(base);
        all.addAll(List.of(more));
        return Set.copyOf(all);
    }
}
