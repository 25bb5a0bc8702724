package io.kaged.actors.acp;

/** A file a tool call reads or changes, with an optional 1-based line. Paths are absolute in ACP. */
public record ToolCallLocation(String path, Integer line) {}
