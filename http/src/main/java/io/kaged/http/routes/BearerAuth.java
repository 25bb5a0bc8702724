package io.kaged.http.routes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code Authorization: Bearer <token>} on every route it wraps, compared in constant time. */
public final class BearerAuth extends AllDirectives {

    private final byte[] token;

    public BearerAuth(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    public Route authenticated(Supplier<Route> inner) {
        return optionalHeaderValueByName("Authorization", header -> {
            if (matches(header)) {
                return inner.get();
            }
            return complete(Problem.response(
                            StatusCodes.UNAUTHORIZED,
                            header.isEmpty()
                                    ? "This route needs 'Authorization: Bearer <token>'; the token is in the"
                                            + " auth-token file of the kaged home (kaged token prints it)."
                                    : "The bearer token is not valid for this daemon.")
                    .addHeader(WWWAuthenticate.create(HttpChallenge.create("Bearer", "kaged"))));
        });
    }

    private boolean matches(Optional<String> header) {
        if (header.isEmpty() || !header.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = header.get().substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(token, given);
    }
}
