package io.kaged.http.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.http.routes.AuditTrail;
import io.kaged.http.routes.BearerAuth;
import io.kaged.http.routes.JsonBodies;
import io.kaged.http.routes.Problem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.http.javadsl.model.headers.ContentEncoding;
import org.apache.pekko.http.javadsl.model.headers.Cookie;
import org.apache.pekko.http.javadsl.model.headers.HttpCookie;
import org.apache.pekko.http.javadsl.model.headers.HttpCookiePair;
import org.apache.pekko.http.javadsl.model.headers.HttpEncodings;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.SameSite;
import org.apache.pekko.http.javadsl.model.headers.SetCookie;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The console around the API: {@code /v1/console/*} (tickets, login, logout), the pages and assets at
 * {@code /}, and the session cookie accepted by every API route in place of the bearer token. A request
 * with the cookie and no Authorization header passes the {@link RequestGuard}, then goes to the API as if
 * it carried the daemon's token; the API's routes do not know the difference, and the bearer-token API is
 * unchanged. Unknown paths under a console page get the page (it shows its own "no such page"); every
 * other path, {@code /v1} and {@code /metrics} included, stays the API's, its 404s too.
 */
public final class ConsoleRoutes extends AllDirectives {

    /** The cookie's name; its value is a {@link ConsoleSessions} id. */
    public static final String COOKIE = "kaged_console";

    /** Body of {@code POST /v1/console/login}: exactly one of the two. */
    public record LoginBody(String ticket, String token) {}

    private static final String CSP =
            "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";
    private static final String ACTOR = "console";
    private static final Set<String> PAGES =
            Set.of("login", "sessions", "runs", "audit", "stats", "projects", "approvals");

    private final BearerAuth auth;
    private final byte[] token;
    private final Authorization asToken;
    private final LoginTickets tickets;
    private final ConsoleSessions sessions;
    private final RequestGuard guard;
    private final ConsoleAssets assets = new ConsoleAssets();
    private final AuditTrail audit;
    private final ConsoleSettings settings;
    private final long maxBodyBytes;
    private final ObjectMapper mapper = new ObjectMapper();

    public ConsoleRoutes(
            String token,
            ConsoleSettings settings,
            LoginTickets tickets,
            ConsoleSessions sessions,
            AuditTrail audit,
            long maxBodyBytes) {
        this.auth = new BearerAuth(token);
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.asToken = Authorization.oauth2(token);
        this.tickets = tickets;
        this.sessions = sessions;
        this.guard = new RequestGuard(settings.hosts());
        this.audit = audit;
        this.settings = settings;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * The console around {@code api}, the API's whole route; its own {@code /v1/console/*} routes go under
     * the API's {@code hardened} layers (bad input and errors as problems, bodies bounded).
     */
    public Route around(Route api, Function<Supplier<Route>, Route> hardened) {
        return concat(
                pathPrefix(
                        "v1",
                        () -> pathPrefix(
                                "console",
                                () -> hardened.apply(() -> concat(
                                        path("tickets", () -> post(() -> auth.authenticated(this::ticket))),
                                        path("login", () -> post(this::login)),
                                        path("logout", () -> post(this::logout)))))),
                extractUnmatchedPath(path -> isPage(path) ? get(() -> guarded(false, () -> page(path))) : reject()),
                withCookie(api));
    }

    /**
     * {@code /}, the assets, and any path under a page of the console's (design.md names them all; the page
     * says "no such page" for those it lacks). Other paths stay the API's, whose 404 a scanner's probe of
     * {@code /wp-login.php} gets, counted as an unmatched route.
     */
    private static boolean isPage(String path) {
        if (path.equals("/") || path.isEmpty()) {
            return true;
        }
        String first = path.substring(1).split("/", 2)[0];
        return first.equals("assets") || PAGES.contains(first);
    }

    // ---- login --------------------------------------------------------------------------------------

    /** {@code POST /v1/console/tickets}: a one-time login URL, for {@code kaged console}. */
    private Route ticket() {
        LoginTickets.Ticket t = tickets.issue();
        audit.record(ACTOR, "console.ticket", null, "ok", null);
        return complete(json(
                StatusCodes.CREATED,
                Map.of(
                        "ticket", t.ticket(),
                        "expiresAt", t.expiresAt().toString(),
                        "path", "/login#ticket=" + t.ticket())));
    }

    /** {@code POST /v1/console/login}: a ticket or the token for a session cookie. */
    private Route login() {
        return guarded(
                false,
                () -> withSizeLimit(
                        maxBodyBytes,
                        () -> entity(Unmarshaller.entityToString(), raw -> {
                            LoginBody body = JsonBodies.parse(raw, LoginBody.class);
                            if (body.ticket() != null && body.token() != null) {
                                throw new JsonBodies.BadRequest("Give either 'ticket' or 'token', not both.");
                            }
                            String how = body.ticket() != null ? "ticket" : "token";
                            boolean ok = body.ticket() != null
                                    ? tickets.redeem(body.ticket())
                                    : body.token() != null
                                            && MessageDigest.isEqual(
                                                    token, body.token().getBytes(StandardCharsets.UTF_8));
                            if (!ok) {
                                audit.record(ACTOR, "console.login", null, "refused", how);
                                return complete(Problem.response(
                                        StatusCodes.FORBIDDEN,
                                        body.ticket() != null
                                                ? "The login ticket is unknown, used or expired; run 'kaged console' for a new one."
                                                : "Give the one-time 'ticket' of 'kaged console' or the daemon's API 'token'"
                                                        + " ('kaged token' prints it)."));
                            }
                            String session = sessions.start();
                            audit.record(ACTOR, "console.login", null, "ok", how);
                            return extractRequest(request -> respondWithHeader(
                                    SetCookie.create(cookie(request, session)),
                                    () -> complete(json(
                                            StatusCodes.OK,
                                            Map.of(
                                                    "idleTimeoutSeconds",
                                                    settings.idleTimeout().toSeconds())))));
                        })));
    }

    /** {@code POST /v1/console/logout}: ends the cookie's session on the server and clears the cookie. */
    private Route logout() {
        return extractRequest(request -> {
            Optional<String> session = sessionCookie(request);
            return guarded(session.isPresent(), () -> {
                session.ifPresent(id -> {
                    sessions.end(id);
                    audit.record(ACTOR, "console.logout", null, "ok", null);
                });
                return respondWithHeader(
                        SetCookie.create(cookie(request, "").withMaxAge(0)),
                        () -> complete(HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)));
            });
        });
    }

    private HttpCookie cookie(HttpRequest request, String value) {
        return HttpCookie.create(COOKIE, value)
                .withPath("/")
                .withHttpOnly(true)
                .withSameSite(SameSite.Strict)
                .withSecure(RequestGuard.secure(request));
    }

    // ---- the cookie on the API ------------------------------------------------------------------------

    private Route withCookie(Route api) {
        return extractRequest(request -> {
            boolean upgrade = RequestGuard.isWebSocketUpgrade(request);
            if (request.getHeader(Authorization.class).isPresent()) {
                // The bearer-token API as it always was; only a browser's foreign Origin is turned away
                // from a WebSocket, which a browser opens without asking any site's permission.
                Optional<String> foreign = upgrade
                        ? guard.originRefusal(
                                request, RequestGuard.header(request, "Host").orElse(""), false)
                        : Optional.empty();
                return foreign.isPresent() ? forbidden(foreign.get()) : api;
            }
            Optional<String> session = sessionCookie(request);
            if (session.isEmpty()) {
                return upgrade
                        ? guard.originRefusal(
                                        request,
                                        RequestGuard.header(request, "Host").orElse(""),
                                        false)
                                .map(this::forbidden)
                                .orElse(api)
                        : api;
            }
            Optional<String> refusal = guard.refusal(request, upgrade || RequestGuard.changesState(request));
            if (refusal.isPresent()) {
                return forbidden(refusal.get());
            }
            // An ended or expired session is no credential: the API answers its own 401.
            return sessions.touch(session.get()) ? mapRequest(r -> r.addHeader(asToken), () -> api) : api;
        });
    }

    private static Optional<String> sessionCookie(HttpRequest request) {
        return request.getHeader(Cookie.class).flatMap(c -> {
            for (HttpCookiePair pair : c.getCookies()) {
                if (pair.name().equals(COOKIE) && !pair.value().isEmpty()) {
                    return Optional.of(pair.value());
                }
            }
            return Optional.empty();
        });
    }

    // ---- pages --------------------------------------------------------------------------------------

    private Route page(String path) {
        if (path.startsWith("/assets/")) {
            return assets.asset(path.substring("/assets/".length()))
                    .<Route>map(a -> extractRequest(request -> complete(asset(a, request))))
                    .orElseGet(() -> complete(Problem.response(StatusCodes.NOT_FOUND, "No console asset " + path)));
        }
        return assets.page()
                .map(html -> complete(HttpResponse.create()
                        .withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, html))
                        .addHeader(RawHeader.create("Content-Security-Policy", CSP))
                        .addHeader(RawHeader.create("Cache-Control", "no-cache"))
                        .addHeader(RawHeader.create("Referrer-Policy", "no-referrer"))
                        .addHeader(RawHeader.create("X-Content-Type-Options", "nosniff"))))
                .orElseGet(() -> complete(Problem.response(
                        StatusCodes.NOT_FOUND,
                        "This build of kaged has no web console (it was built with -Dconsole.skip=true).")));
    }

    /** The asset gzipped when the browser takes gzip (all do), else as built. */
    private static HttpResponse asset(ConsoleAssets.Asset a, HttpRequest request) {
        boolean gzip = request.getHeader("Accept-Encoding")
                .map(h -> ConsoleAssets.acceptsGzip(h.value()))
                .orElse(false);
        HttpResponse response = HttpResponse.create()
                .withEntity(HttpEntities.create(a.type(), gzip ? a.gzipped() : a.bytes()))
                .addHeader(RawHeader.create("Cache-Control", "public, max-age=31536000, immutable"))
                .addHeader(RawHeader.create("Vary", "Accept-Encoding"))
                .addHeader(RawHeader.create("X-Content-Type-Options", "nosniff"));
        return gzip ? response.addHeader(ContentEncoding.create(HttpEncodings.GZIP)) : response;
    }

    // ---- shared ---------------------------------------------------------------------------------------

    private Route guarded(boolean originRequired, java.util.function.Supplier<Route> inner) {
        return extractRequest(request ->
                guard.refusal(request, originRequired).map(this::forbidden).orElseGet(inner));
    }

    private Route forbidden(String detail) {
        return complete(Problem.response(StatusCodes.FORBIDDEN, detail)
                .addHeader(RawHeader.create("Content-Security-Policy", CSP)));
    }

    private HttpResponse json(StatusCode status, Object body) {
        try {
            return HttpResponse.create()
                    .withStatus(status)
                    .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, mapper.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
