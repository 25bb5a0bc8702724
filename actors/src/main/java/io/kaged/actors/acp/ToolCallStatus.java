package io.kaged.actors.acp;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The life of a tool call; an unknown status reads as null (no change). */
public enum ToolCallStatus {
    @JsonProperty("pending")
    PENDING,
    @JsonProperty("in_progress")
    IN_PROGRESS,
    @JsonProperty("completed")
    COMPLETED,
    @JsonProperty("failed")
    FAILED
}
