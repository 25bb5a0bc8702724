package io.kaged.http;

import io.kaged.http.routes.ErrorHandling;
import io.kaged.http.routes.Problem;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Answers the requests Pekko HTTP refuses before any route sees them (a URI or headers too long, a
 * malformed request line or header, a body Pekko could not frame) as problem+json, like every other error
 * of the API. Pekko makes it by its class name ({@code pekko.http.server.parsing.error-handler}, set by
 * {@link HttpServerSettings}), so it has a public no-argument constructor and reads nothing of kaged's.
 *
 * <p>Pekko answers a few of these with a 5xx (501 for a method it does not know, 505 for an HTTP version
 * other than 1.x): they are the client's mistake all the same, so they become 400s with the reason.
 */
public final class ProblemParsingErrorHandler extends ParsingErrorHandler {

    public ProblemParsingErrorHandler() {}

    @Override
    public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
        String summary = ErrorHandling.echo(info.summary());
        log.warning("Illegal request, answered {}: {}", status.intValue(), summary);
        return switch (status.intValue()) {
            case 414 ->
                Problem.response(
                        status,
                        "The request's URI is longer than "
                                + settings.parserSettings().maxUriLength()
                                + " characters. Send long values in a request body, or shorten them.");
            case 431 ->
                Problem.response(
                        status, "The request's headers are too large: " + summary + ". Send fewer or shorter headers.");
            case 413 ->
                Problem.response(
                        status,
                        "The request body is too large: " + summary
                                + ". kaged takes bodies up to kaged.http.max-body.");
            case 408 -> Problem.response(status, "The request did not arrive in time: " + summary + ".");
            default ->
                Problem.response(
                        status.intValue() >= 500 ? StatusCodes.BAD_REQUEST : status,
                        "The request is not valid HTTP/1.1: " + summary + ".");
        };
    }
}
