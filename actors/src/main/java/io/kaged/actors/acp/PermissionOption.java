package io.kaged.actors.acp;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One answer an agent offers to a permission request. */
public record PermissionOption(String optionId, String name, Kind kind) {

    public enum Kind {
        @JsonProperty("allow_once")
        ALLOW_ONCE,
        @JsonProperty("allow_always")
        ALLOW_ALWAYS,
        @JsonProperty("reject_once")
        REJECT_ONCE,
        @JsonProperty("reject_always")
        REJECT_ALWAYS;

        public boolean allows() {
            return this == ALLOW_ONCE || this == ALLOW_ALWAYS;
        }

        public boolean always() {
            return this == ALLOW_ALWAYS || this == REJECT_ALWAYS;
        }
    }
}
