package io.kaged.actors.acp;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Why an agent ended a prompt turn (the {@code session/prompt} result). */
public enum StopReason {
    @JsonProperty("end_turn")
    END_TURN,
    @JsonProperty("max_tokens")
    MAX_TOKENS,
    @JsonProperty("max_turn_requests")
    MAX_TURN_REQUESTS,
    @JsonProperty("refusal")
    REFUSAL,
    @JsonProperty("cancelled")
    CANCELLED
}
