package io.kaged.http.routes;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;

/**
 * An RFC 9457 problem document: every error kaged's API returns is one of these, with a {@code detail} a
 * person can act on.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final ContentType.WithFixedCharset CONTENT_TYPE = MediaTypes.applicationWithFixedCharset(
                    "problem+json", HttpCharsets.UTF_8)
            .toContentType();

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static Problem of(StatusCode status, String detail) {
        return new Problem("about:blank", status.reason(), status.intValue(), detail, null);
    }

    public HttpResponse toResponse(StatusCode status) {
        try {
            return HttpResponse.create()
                    .withStatus(status)
                    .withEntity(HttpEntities.create(CONTENT_TYPE, MAPPER.writeValueAsBytes(this)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a problem record always serializes", e);
        }
    }

    public static HttpResponse response(StatusCode status, String detail) {
        return of(status, detail).toResponse(status);
    }
}
