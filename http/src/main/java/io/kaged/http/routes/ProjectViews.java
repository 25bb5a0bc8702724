package io.kaged.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.persistence.project.Project;
import io.kaged.persistence.project.PromptSummary;
import io.kaged.persistence.project.PromptVersion;
import io.kaged.persistence.project.VersionSummary;

/** Projects and prompt versions as the API shows them: config as a JSON object, times as ISO-8601 UTC. */
final class ProjectViews {

    record ProjectView(String id, String name, JsonNode config, String createdAt, String updatedAt) {}

    record PromptView(String project, String prompt, int version, String body, String author, String createdAt) {}

    record PromptListItem(String name, int latestVersion, String author, String updatedAt) {}

    record VersionListItem(int version, String author, int chars, String createdAt) {}

    private ProjectViews() {}

    static ProjectView of(Project p, ObjectMapper mapper) {
        try {
            return new ProjectView(
                    p.id(),
                    p.name(),
                    mapper.readTree(p.config()),
                    p.createdAt().toString(),
                    p.updatedAt().toString());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the config of project " + p.name() + " is not JSON in the store", e);
        }
    }

    static PromptView of(PromptVersion v) {
        return new PromptView(
                v.project(),
                v.prompt(),
                v.version(),
                v.body(),
                v.author(),
                v.createdAt().toString());
    }

    static PromptListItem of(PromptSummary s) {
        return new PromptListItem(
                s.prompt(), s.latestVersion(), s.author(), s.updatedAt().toString());
    }

    static VersionListItem of(VersionSummary s) {
        return new VersionListItem(
                s.version(), s.author(), s.chars(), s.createdAt().toString());
    }
}
