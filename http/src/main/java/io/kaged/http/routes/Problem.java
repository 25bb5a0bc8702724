package io.kaged.http.routes;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;

/**
 * An RFC 9457 problem document: every error kaged's API returns is one of these, with a {@code detail} a
 * person can act on. The few situations every route shares (a refusal, a busy daemon) are made here, so
 * one situation has one status everywhere.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final ContentType.WithFixedCharset CONTENT_TYPE = MediaTypes.applicationWithFixedCharset(
                    "problem+json", HttpCharsets.UTF_8)
            .toContentType();

    /** What a 503 tells the client to wait before it tries again. */
    public static final int RETRY_AFTER_SECONDS = 5;

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

    /** 409: the state of the thing refuses the request; {@code reason} as an actor words it, in lower case. */
    public static HttpResponse conflict(String reason) {
        return response(StatusCodes.CONFLICT, sentence(reason));
    }

    /** 503 with Retry-After: the daemon could not answer now; the same request may work later. */
    public static HttpResponse unavailable(String reason) {
        return response(StatusCodes.SERVICE_UNAVAILABLE, sentence(reason))
                .addHeader(RetryAfter.create((long) RETRY_AFTER_SECONDS));
    }

    /** 503 with Retry-After of {@code seconds}: the state allows the request, only its timing did not. */
    public static HttpResponse unavailable(String reason, long seconds) {
        return response(StatusCodes.SERVICE_UNAVAILABLE, sentence(reason))
                .addHeader(RetryAfter.create(Math.max(1, seconds)));
    }

    /**
     * The store does not take writes: 507 for a full disk, else 503 with Retry-After; the detail names the
     * cause and where.
     */
    public static HttpResponse storeFault(io.kaged.persistence.store.StoreHealth.Fault fault) {
        return storeFault(fault, "nothing was recorded or started");
    }

    /** As {@link #storeFault(io.kaged.persistence.store.StoreHealth.Fault)}, with {@code outcome} saying what is left of the request. */
    public static HttpResponse storeFault(io.kaged.persistence.store.StoreHealth.Fault fault, String outcome) {
        String detail = fault.reason() + "; " + outcome + ". Send the request again once "
                + (fault.kind() == io.kaged.persistence.store.StoreHealth.Kind.DISK_FULL
                        ? "there is room on that disk"
                        : "the store is back")
                + " (GET /v1/health says so)";
        return fault.kind() == io.kaged.persistence.store.StoreHealth.Kind.DISK_FULL
                ? response(StatusCodes.INSUFFICIENT_STORAGE, sentence(detail))
                : response(StatusCodes.SERVICE_UNAVAILABLE, sentence(detail))
                        .addHeader(RetryAfter.create((long) RETRY_AFTER_SECONDS));
    }

    static String sentence(String text) {
        if (text == null || text.isEmpty()) {
            return "The request was refused.";
        }
        String s = Character.toUpperCase(text.charAt(0)) + text.substring(1);
        return s.endsWith(".") ? s : s + ".";
    }
}
