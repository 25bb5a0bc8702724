package io.kaged.persistence.project;

import java.time.Instant;

/** A prompt of a project as listed: its name and its latest version, who wrote that and when. */
public record PromptSummary(String prompt, int latestVersion, String author, Instant updatedAt) {}
