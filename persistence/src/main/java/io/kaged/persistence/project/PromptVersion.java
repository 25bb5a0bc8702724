package io.kaged.persistence.project;

import java.time.Instant;

/** One version of a project's prompt text: a row of {@code prompt_versions}, never changed once written. */
public record PromptVersion(
        String id, String project, String prompt, int version, String body, String author, Instant createdAt) {}
