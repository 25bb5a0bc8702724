package io.kaged.http.routes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code Authorization: Bearer <token>} on every route it wraps, compared in constant time. */
public final class BearerAuth extends AllDirectives {

    private final byte[] token;
    private final RunTokens runTokens;

    public BearerAuth(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.runTokens = new RunTokens(token);
    }

    public RunTokens runTokens() {
        return runTokens;
    }

    /** Routes for the daemon's token only; a run's scoped token gets 403. */
    public Route authenticated(Supplier<Route> inner) {
        return optionalHeaderValueByName("Authorization", header -> {
            if (matches(header)) {
                return inner.get();
            }
            if (runOf(header).isPresent()) {
                return complete(RunScope.forbidden("use this route"));
            }
            return unauthorized(header);
        });
    }

    /**
     * Routes open to the daemon's token (scope empty) and to a run's scoped token (scope = that run's id);
     * the routes themselves enforce what a scope may do.
     */
    public Route scoped(Function<Optional<String>, Route> inner) {
        return optionalHeaderValueByName("Authorization", header -> {
            if (matches(header)) {
                return inner.apply(Optional.empty());
            }
            Optional<String> run = runOf(header);
            return run.isPresent() ? inner.apply(run) : unauthorized(header);
        });
    }

    private Route unauthorized(Optional<String> header) {
        return complete(Problem.response(
                        StatusCodes.UNAUTHORIZED,
                        header.isEmpty()
                                ? "This route needs 'Authorization: Bearer <token>'; the token is in the"
                                        + " auth-token file of the kaged home (kaged token prints it)."
                                : "The bearer token is not valid for this daemon.")
                .addHeader(WWWAuthenticate.create(HttpChallenge.create("Bearer", "kaged"))));
    }

    private static Optional<String> bearer(Optional<String> header) {
        if (header.isEmpty() || !header.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.of(header.get().substring(7).trim());
    }

    private boolean matches(Optional<String> header) {
        return bearer(header)
                .map(given -> MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8)))
                .orElse(false);
    }

    private Optional<String> runOf(Optional<String> header) {
        return bearer(header).flatMap(runTokens::runOf);
    }
}
