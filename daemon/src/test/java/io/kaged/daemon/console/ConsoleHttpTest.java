package io.kaged.daemon.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.daemon.serve.TestDaemon;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestEngine;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The console's login and the guards on its cookie, over plain HTTP against a real daemon: what a browser
 * may do with the cookie, and what a page of another site, a DNS-rebinding name or a stale ticket may not.
 */
class ConsoleHttpTest {

    private static final String NEW_SESSION = "{\"command\":[\"sleep\",\"60\"]}";

    @TempDir
    Path home;

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void ticketsAreSingleUseAndExpireInAMinute(TestEngine engine) throws Exception {
        try (TestDaemon daemon = new TestDaemon(engine, home, "")) {
            ConsoleHttp console = new ConsoleHttp(daemon);

            assertEquals(
                    401, daemon.as(null, "POST", "/v1/console/tickets", null).statusCode());
            HttpResponse<String> issued = daemon.call("POST", "/v1/console/tickets", null);
            assertEquals(201, issued.statusCode(), issued.body());
            String ticket =
                    TestDaemon.JSON.readTree(issued.body()).get("ticket").asText();
            assertEquals(
                    "/login#ticket=" + ticket,
                    TestDaemon.JSON.readTree(issued.body()).get("path").asText());

            HttpResponse<String> login = login(console, "{\"ticket\":\"" + ticket + "\"}");
            assertEquals(200, login.statusCode(), login.body());
            String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(setCookie.startsWith("kaged_console="), setCookie);
            assertTrue(setCookie.contains("HttpOnly"), setCookie);
            assertTrue(setCookie.contains("SameSite=Strict"), setCookie);
            assertFalse(setCookie.contains("Secure"), "no TLS here, so no Secure: " + setCookie);

            HttpResponse<String> again = login(console, "{\"ticket\":\"" + ticket + "\"}");
            assertEquals(403, again.statusCode(), "a used ticket: " + again.body());
            assertProblem(again);

            String stale = console.ticket();
            daemon.clock.advance(Duration.ofSeconds(61));
            assertEquals(403, login(console, "{\"ticket\":\"" + stale + "\"}").statusCode(), "an expired ticket");

            assertEquals(
                    200,
                    login(console, "{\"token\":\"" + daemon.token() + "\"}").statusCode());
            assertEquals(403, login(console, "{\"token\":\"not-the-token\"}").statusCode());
            assertEquals(
                    400, login(console, "{\"ticket\":\"a\",\"token\":\"b\"}").statusCode());
            Eventually.waitFor(
                    TestDaemon.WAIT,
                    "the audit log has the logins and the refusals",
                    () -> daemon.count("SELECT COUNT(*) FROM audit WHERE kind = 'console.login' AND outcome = 'ok'")
                                    == 2
                            && daemon.count("SELECT COUNT(*) FROM audit WHERE kind = 'console.login'"
                                            + " AND outcome = 'refused'")
                                    == 3);
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void theCookieWorksFromTheConsoleOnlyAndEndsAtLogoutOrWhenIdle(TestEngine engine) throws Exception {
        try (TestDaemon daemon = new TestDaemon(engine, home, "kaged.http.console.idle-timeout = 10m\n")) {
            ConsoleHttp console = new ConsoleHttp(daemon);
            String cookie = ConsoleHttp.cookieOf(login(console, "{\"ticket\":\"" + console.ticket() + "\"}"));

            assertEquals(
                    200, console.send("GET", "/v1/sessions", null, cookie, null).statusCode());
            HttpResponse<String> noOrigin = console.send("POST", "/v1/sessions", NEW_SESSION, cookie, null);
            assertEquals(403, noOrigin.statusCode(), "a cookie POST without Origin: " + noOrigin.body());
            assertProblem(noOrigin);
            HttpResponse<String> foreign =
                    console.send("POST", "/v1/sessions", NEW_SESSION, cookie, "http://evil.example");
            assertEquals(403, foreign.statusCode(), "a cookie POST from another site: " + foreign.body());
            assertEquals(
                    201,
                    console.send("POST", "/v1/sessions", NEW_SESSION, cookie, console.origin())
                            .statusCode());
            assertEquals(
                    401,
                    console.send("POST", "/v1/console/tickets", null, cookie, console.origin())
                            .statusCode(),
                    "a cookie cannot mint login tickets");
            assertEquals(
                    401,
                    console.send("GET", "/v1/sessions", null, "forged", null).statusCode(),
                    "an unknown cookie is no credential");

            ConsoleHttp.Raw rebound = console.raw(
                    "/v1/sessions",
                    Map.of("Host", "evil.example:" + console.port(), "Cookie", "kaged_console=" + cookie));
            assertEquals(403, rebound.status(), "a DNS-rebinding name: " + rebound.body());

            daemon.clock.advance(Duration.ofMinutes(9));
            assertEquals(
                    200, console.send("GET", "/v1/sessions", null, cookie, null).statusCode());
            daemon.clock.advance(Duration.ofMinutes(9));
            assertEquals(
                    200, console.send("GET", "/v1/sessions", null, cookie, null).statusCode(), "used, so alive");
            daemon.clock.advance(Duration.ofMinutes(11));
            assertEquals(
                    401, console.send("GET", "/v1/sessions", null, cookie, null).statusCode(), "idle too long");

            String second = ConsoleHttp.cookieOf(login(console, "{\"ticket\":\"" + console.ticket() + "\"}"));
            assertEquals(
                    403,
                    console.send("POST", "/v1/console/logout", null, second, null)
                            .statusCode());
            HttpResponse<String> logout = console.send("POST", "/v1/console/logout", null, second, console.origin());
            assertEquals(204, logout.statusCode(), logout.body());
            assertTrue(logout.headers().firstValue("Set-Cookie").orElseThrow().contains("Max-Age=0"));
            assertEquals(
                    401, console.send("GET", "/v1/sessions", null, second, null).statusCode(), "after logout");
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void pagesCarryTheCspAndAnswerOnlyToTheConfiguredHosts(TestEngine engine) throws Exception {
        try (TestDaemon daemon = new TestDaemon(engine, home, "kaged.http.console.hosts = [\"kaged.test\"]\n")) {
            ConsoleHttp console = new ConsoleHttp(daemon);
            for (String page :
                    new String[] {"/", "/sessions", "/sessions/some-id", "/runs", "/audit", "/login", "/runs/x/y"}) {
                ConsoleHttp.Raw answer = console.raw(page, Map.of("Host", "127.0.0.1:" + console.port()));
                assertEquals(200, answer.status(), page);
                assertTrue(answer.header("Content-Type").startsWith("text/html"), page);
                assertTrue(answer.header("Content-Security-Policy").startsWith("default-src 'self'"), page);
                assertFalse(answer.body().contains("<script>"), "no inline script");
            }
            ConsoleHttp.Raw index = console.raw("/", Map.of("Host", "localhost:" + console.port()));
            Matcher script =
                    Pattern.compile("src=\"(/assets/app-[A-Z0-9]+\\.js)\"").matcher(index.body());
            assertTrue(script.find(), index.body());
            ConsoleHttp.Raw asset = console.raw(script.group(1), Map.of("Host", "localhost"));
            assertEquals(200, asset.status());
            assertTrue(
                    asset.header("Cache-Control").contains("immutable"),
                    asset.headers().toString());
            assertTrue(
                    asset.header("Content-Type").contains("javascript"),
                    asset.headers().toString());
            assertEquals(null, asset.headers().get("content-encoding"), "not gzipped unless asked");
            java.net.http.HttpResponse<byte[]> gzipped = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create(console.origin() + script.group(1)))
                                    .header("Accept-Encoding", "gzip, deflate, br")
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(
                    "gzip", gzipped.headers().firstValue("Content-Encoding").orElse(""));
            byte[] unzipped =
                    new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzipped.body())).readAllBytes();
            assertEquals(asset.body(), new String(unzipped, java.nio.charset.StandardCharsets.UTF_8));
            assertTrue(
                    gzipped.body().length * 2 < unzipped.length,
                    "the bundle is sent compressed: " + gzipped.body().length + " of " + unzipped.length);
            assertEquals(
                    404,
                    console.raw("/assets/app-NOPE.js", Map.of("Host", "localhost"))
                            .status());

            assertEquals(
                    200, console.raw("/sessions", Map.of("Host", "kaged.test")).status(), "a configured name");
            ConsoleHttp.Raw rebound = console.raw("/", Map.of("Host", "evil.example:" + console.port()));
            assertEquals(403, rebound.status());
            assertTrue(rebound.header("Content-Type").startsWith("application/problem+json"));

            ConsoleHttp.Raw nowhere = console.raw("/wp-login.php", Map.of("Host", "127.0.0.1"));
            assertEquals(404, nowhere.status(), "a path of no page is the API's 404");
            assertTrue(nowhere.header("Content-Type").startsWith("application/problem+json"));
            ConsoleHttp.Raw unknownApi = console.raw(
                    "/v1/no-such-route", Map.of("Host", "127.0.0.1", "Authorization", "Bearer " + daemon.token()));
            assertEquals(404, unknownApi.status());
            assertTrue(unknownApi.header("Content-Type").startsWith("application/problem+json"));
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void attachWithTheCookieNeedsTheConsolesOriginAndNoForeignOriginAttaches(TestEngine engine) throws Exception {
        try (TestDaemon daemon = new TestDaemon(engine, home, "")) {
            ConsoleHttp console = new ConsoleHttp(daemon);
            String cookie = ConsoleHttp.cookieOf(login(console, "{\"ticket\":\"" + console.ticket() + "\"}"));
            String id = daemon.json("POST", "/v1/sessions", NEW_SESSION, 201)
                    .get("id")
                    .asText();
            String attach = "/v1/sessions/" + id + "/attach";
            String withCookie = "kaged_console=" + cookie;

            assertEquals(101, console.upgrade(attach, Map.of("Cookie", withCookie, "Origin", console.origin())));
            assertEquals(403, console.upgrade(attach, Map.of("Cookie", withCookie)), "no Origin");
            assertEquals(
                    403,
                    console.upgrade(attach, Map.of("Cookie", withCookie, "Origin", "http://evil.example")),
                    "another site's page");
            String bearer = "Bearer " + daemon.token();
            assertEquals(101, console.upgrade(attach, Map.of("Authorization", bearer)), "the CLI sends no Origin");
            assertEquals(
                    403,
                    console.upgrade(attach, Map.of("Authorization", bearer, "Origin", "http://evil.example")),
                    "a foreign page never attaches");
        }
    }

    private static HttpResponse<String> login(ConsoleHttp console, String body) throws Exception {
        return console.send("POST", "/v1/console/login", body, null, console.origin());
    }

    private static void assertProblem(HttpResponse<String> r) {
        assertTrue(
                r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                r.headers().map().toString());
    }
}
