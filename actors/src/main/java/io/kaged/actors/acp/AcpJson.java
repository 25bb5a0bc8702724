package io.kaged.actors.acp;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one Jackson configuration for ACP messages. Agents add fields over time ({@code _meta}, newer
 * protocol fields) and new enum values, so unknown fields are ignored and unknown enum values fall back to
 * the enum's default or null rather than failing a whole message. Absent optional fields are left out when
 * writing, as the schema's optional fields expect.
 */
public final class AcpJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
            // The schema's empty results ({} for fs/write_text_file, terminal/kill…) are field-less records.
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private AcpJson() {}

    /** Thread-safe once built; never reconfigured. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
