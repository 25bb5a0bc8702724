package io.kaged.actors.run;

/** A run as its actor knows it, for replies to commands. */
public record RunSummary(String id, String state, Integer exitCode, int attempts) {}
