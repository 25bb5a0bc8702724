package io.kaged.http.routes;

import io.kaged.persistence.store.StoreHealth;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.IllegalRequestException;
import org.apache.pekko.http.scaladsl.model.IllegalUriException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's one rejection handler and one exception handler: both answer problem+json. Rejections keep
 * Pekko's status and message (404, 405, 400); a request Pekko could only take apart inside a route (a
 * query string with a bad escape, a broken chunked body) is a 400; a fault of the store is its 503 or 507;
 * any other exception is a bug, logged
 * with its stack trace and answered 500 without internals. Errors made before routing are {@link
 * io.kaged.http.ProblemParsingErrorHandler}'s.
 */
public final class ErrorHandling {

    private static final Logger log = LoggerFactory.getLogger(ErrorHandling.class);
    private static final int MAX_ECHO = 200;

    private ErrorHandling() {}

    public static RejectionHandler rejections() {
        return RejectionHandler.defaultHandler().mapRejectionResponse(ErrorHandling::asProblem);
    }

    /**
     * @param store whose faults are not bugs: a request that failed on one (a read while the server is gone,
     *     a write no route caught) is answered as {@link Problem#storeFault} says, 503 or 507
     */
    public static ExceptionHandler exceptions(StoreHealth store) {
        return ExceptionHandler.newBuilder()
                .match(
                        JsonBodies.BadRequest.class,
                        e -> Directives.complete(Problem.response(StatusCodes.BAD_REQUEST, e.getMessage())))
                .match(
                        IllegalUriException.class,
                        e -> Directives.complete(Problem.response(
                                StatusCodes.BAD_REQUEST,
                                "The request's URI cannot be read: "
                                        + echo(e.info().summary()) + ". Percent-encode query values as UTF-8.")))
                .match(
                        IllegalRequestException.class,
                        e -> Directives.complete(Problem.response(
                                StatusCodes.BAD_REQUEST,
                                "The request is malformed: " + echo(e.info().summary()) + ".")))
                .match(
                        EntityStreamException.class,
                        e -> Directives.complete(Problem.response(
                                StatusCodes.BAD_REQUEST,
                                "The request body could not be read: "
                                        + echo(e.info().summary()) + ".")))
                .matchAny(e -> {
                    Optional<StoreHealth.Fault> fault = store.faultIn(e);
                    if (fault.isPresent()) {
                        log.warn(
                                "An API request failed on the store: {}",
                                fault.get().reason());
                        return Directives.extractRequest(request -> Directives.complete(
                                request.method().isSafe()
                                        ? Problem.storeFault(fault.get(), "this read needs the store too")
                                        : Problem.storeFault(fault.get())));
                    }
                    log.error("Bug while answering an API request", e);
                    return Directives.complete(Problem.response(
                            StatusCodes.INTERNAL_SERVER_ERROR,
                            "kaged failed to answer this request; the daemon log has the details."));
                })
                .build();
    }

    /** Pekko's words about the client's request, bounded: a summary names the fault, not our internals. */
    public static String echo(String summary) {
        String s = summary == null ? "" : summary.strip();
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.length() > MAX_ECHO ? s.substring(0, MAX_ECHO) + "..." : s;
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
