package io.kaged.http.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class RouteTemplatesTest {

    private final RouteTemplates templates = RouteTemplates.api();

    @Test
    void replacesIdsAndNamesByTheirPlaceholders() {
        assertEquals("/v1/runs", templates.of("/v1/runs"));
        assertEquals("/v1/runs/{runId}", templates.of("/v1/runs/0190d9c8-0000-7000-8000-000000000001"));
        assertEquals("/v1/runs/{runId}/output", templates.of("/v1/runs/0190d9c8-0000-7000-8000-000000000001/output"));
        assertEquals("/v1/sessions/{sessionId}/attach", templates.of("/v1/sessions/abc/attach"));
        assertEquals(
                "/v1/projects/{project}/prompts/{prompt}/versions/{version}",
                templates.of("/v1/projects/p/prompts/system/versions/3"));
        assertEquals("/metrics", templates.of("/metrics"));
        assertEquals("/v1/health", templates.of("/v1/health"));
    }

    @Test
    void collapsesEveryUnknownPathToOneLabel() {
        for (String path : new String[] {
            "/", "", "/v1", "/v1/", "/v1/runs/", "/v1/runs//output", "/v1/runs/x/nope", "/wp-login.php", "/metrics/x"
        }) {
            assertEquals(RouteTemplates.UNMATCHED, templates.of(path), path);
        }
    }

    @Test
    void everyTemplateIsDistinctAndMatchesItself() {
        assertEquals(templates.all().size(), new HashSet<>(templates.all()).size());
        for (String t : templates.all()) {
            assertEquals(t, templates.of(t.replace("{", "x").replace("}", "x")), t);
        }
    }
}
