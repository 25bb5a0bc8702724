package io.kaged.persistence.project;

import java.time.Instant;

/** A version of a prompt as listed, without its text: its number, author, time and length in characters. */
public record VersionSummary(int version, String author, int chars, Instant createdAt) {}
