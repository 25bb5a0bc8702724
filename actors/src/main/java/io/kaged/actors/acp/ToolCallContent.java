package io.kaged.actors.acp;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

/** What a tool call produced or proposes: content, a file diff, or a terminal kaged runs for it. */
@JsonTypeInfo(
        use = JsonTypeInfo.Id.NAME,
        property = "type",
        visible = true,
        defaultImpl = ToolCallContent.Unknown.class)
@JsonSubTypes({
    @JsonSubTypes.Type(ToolCallContent.Content.class),
    @JsonSubTypes.Type(ToolCallContent.Diff.class),
    @JsonSubTypes.Type(ToolCallContent.Terminal.class)
})
public sealed interface ToolCallContent {

    @JsonTypeName("content")
    record Content(ContentBlock content) implements ToolCallContent {}

    @JsonTypeName("diff")
    record Diff(String path, String oldText, String newText) implements ToolCallContent {}

    @JsonTypeName("terminal")
    record Terminal(String terminalId) implements ToolCallContent {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NONE)
    record Unknown(@JsonValue JsonNode raw) implements ToolCallContent {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public Unknown {}
    }
}
