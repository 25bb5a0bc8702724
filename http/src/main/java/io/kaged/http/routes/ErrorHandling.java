package io.kaged.http.routes;

import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's one rejection handler and one exception handler: both answer problem+json. Rejections keep
 * Pekko's status and message (404, 405, 400 for a malformed body, 413 for a huge one); an exception is a
 * bug, logged with its stack trace and answered 500 without internals.
 */
public final class ErrorHandling {

    private static final Logger log = LoggerFactory.getLogger(ErrorHandling.class);

    private ErrorHandling() {}

    public static RejectionHandler rejections() {
        return RejectionHandler.defaultHandler().mapRejectionResponse(ErrorHandling::asProblem);
    }

    public static ExceptionHandler exceptions() {
        return ExceptionHandler.newBuilder()
                .match(
                        JsonBodies.BadRequest.class,
                        e -> Directives.complete(Problem.response(StatusCodes.BAD_REQUEST, e.getMessage())))
                .match(
                        org.apache.pekko.http.scaladsl.model.EntityStreamSizeException.class,
                        e -> Directives.complete(Problem.response(
                                StatusCodes.PAYLOAD_TOO_LARGE,
                                "The request body is too large: " + e.limit() + " bytes at most.")))
                .matchAny(e -> {
                    log.error("Bug while answering an API request", e);
                    return Directives.complete(Problem.response(
                            StatusCodes.INTERNAL_SERVER_ERROR,
                            "kaged failed to answer this request; the daemon log has the details."));
                })
                .build();
    }

    private static HttpResponse asProblem(HttpResponse response) {
        if (response.entity().getContentType().equals(Problem.CONTENT_TYPE)) {
            return response;
        }
        String detail = response.entity() instanceof HttpEntity.Strict strict
                ? strict.getData().utf8String()
                : response.status().defaultMessage();
        if (response.status().equals(StatusCodes.NOT_FOUND)) {
            detail = "No such route. The API lives under /v1; see GET /v1/info.";
        }
        return Problem.response(response.status(), detail).withHeaders(response.getHeaders());
    }
}
