package io.kaged.actors.acp;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The kind of a tool call, as ACP names it; a kind kaged does not know reads as {@link #OTHER}. */
public enum ToolKind {
    @JsonProperty("read")
    READ,
    @JsonProperty("edit")
    EDIT,
    @JsonProperty("delete")
    DELETE,
    @JsonProperty("move")
    MOVE,
    @JsonProperty("search")
    SEARCH,
    @JsonProperty("execute")
    EXECUTE,
    @JsonProperty("think")
    THINK,
    @JsonProperty("fetch")
    FETCH,
    @JsonProperty("switch_mode")
    SWITCH_MODE,
    @JsonProperty("other")
    @JsonEnumDefaultValue
    OTHER;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ToolKind> fromWire(String name) {
        return Arrays.stream(values()).filter(k -> k.wireName().equals(name)).findFirst();
    }
}
