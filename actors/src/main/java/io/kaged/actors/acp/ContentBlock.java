package io.kaged.actors.acp;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A piece of content in a prompt, a message chunk or a tool call (ACP's {@code ContentBlock}). kaged sends
 * text; it reads every kind, and keeps a kind it does not know whole as {@link Unknown}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", visible = true, defaultImpl = ContentBlock.Unknown.class)
@JsonSubTypes({
    @JsonSubTypes.Type(ContentBlock.Text.class),
    @JsonSubTypes.Type(ContentBlock.Image.class),
    @JsonSubTypes.Type(ContentBlock.Audio.class),
    @JsonSubTypes.Type(ContentBlock.ResourceLink.class),
    @JsonSubTypes.Type(ContentBlock.Resource.class)
})
public sealed interface ContentBlock {

    /** The text a person reads for this block: the text itself, or a short placeholder naming the kind. */
    String displayText();

    @JsonTypeName("text")
    record Text(String text) implements ContentBlock {
        @Override
        public String displayText() {
            return text == null ? "" : text;
        }
    }

    @JsonTypeName("image")
    record Image(String data, String mimeType, String uri) implements ContentBlock {
        @Override
        public String displayText() {
            return "[image " + mimeType + "]";
        }
    }

    @JsonTypeName("audio")
    record Audio(String data, String mimeType) implements ContentBlock {
        @Override
        public String displayText() {
            return "[audio " + mimeType + "]";
        }
    }

    @JsonTypeName("resource_link")
    record ResourceLink(String uri, String name, String title, String mimeType, Long size) implements ContentBlock {
        @Override
        public String displayText() {
            return "[" + (name == null ? uri : name) + "](" + uri + ")";
        }
    }

    @JsonTypeName("resource")
    record Resource(JsonNode resource) implements ContentBlock {
        @Override
        public String displayText() {
            if (resource == null) {
                return "[resource]";
            }
            JsonNode text = resource.get("text");
            return text != null
                    ? text.asText()
                    : "[resource " + resource.path("uri").asText() + "]";
        }
    }

    /** A block of a kind this version does not know, kept as it came (its {@code type} included). */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NONE)
    record Unknown(@JsonValue JsonNode raw) implements ContentBlock {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public Unknown {}

        @Override
        public String displayText() {
            return "[" + raw.path("type").asText("unknown") + "]";
        }
    }

    static ContentBlock text(String text) {
        return new Text(text);
    }
}
