package io.kaged.daemon.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.daemon.cli.Cli;
import io.kaged.daemon.serve.TestDaemon;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestEngine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import picocli.CommandLine;

/**
 * The console in a real browser against a real daemon, as an operator uses it: the one-time URL of {@code
 * kaged console}, a session started from the form, its pty following the window's size, typed into in xterm.js, its scrollback after a reload,
 * a run's output, the audit log, a logout that the API honours, a login with the token, and a daemon
 * that stops answering. Screenshots land in target/console-screenshots.
 */
class ConsoleBrowserTest {

    /** The output line alone: the echoed command line holds {@code hi-$((6*7))}, never {@code hi-42}. */
    private static final Pattern ANSWER = Pattern.compile("(?m)^hi-42\\s*$");

    @TempDir
    Path home;

    @TempDir
    Path profile;

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void logsInStartsASessionTypesInItsTerminalAndLogsOut(TestEngine engine) throws Exception {
        try (TestDaemon daemon = new TestDaemon(engine, home, "");
                Browser browser = new Browser(profile, Path.of("target", "console-screenshots"))) {
            ConsoleHttp console = new ConsoleHttp(daemon);
            String base = console.origin();

            String url = kagedConsole(daemon);
            assertTrue(url.startsWith(base + "/login#ticket="), url);
            browser.driver.get(url);
            browser.await("the sessions page after login", d -> browser.path().equals("/sessions"));
            browser.byTestId("new-session-form");
            browser.screenshot(engine + "-sessions");

            browser.byTestId("new-session-command").sendKeys("sh");
            browser.byTestId("new-session-name").sendKeys("from-the-browser");
            browser.byTestId("new-session-submit").click();
            browser.await("the new session's page", d -> browser.path().startsWith("/sessions/"));
            String id = browser.path().substring("/sessions/".length());
            JsonNode created = daemon.json("GET", "/v1/sessions/" + id, null, 200);
            assertEquals("from-the-browser", created.get("name").asText());
            assertEquals("sh", created.get("command").get(0).asText());

            attached(browser);
            int fitted = awaitCols(daemon, id, "the pty fitted to the 1280-pixel window", cols -> cols > 80);
            browser.driver.manage().window().setSize(new Dimension(700, 700));
            awaitCols(daemon, id, "the pty following a narrower window", cols -> cols < fitted);
            browser.driver
                    .findElement(By.cssSelector("[data-testid='terminal'] .xterm-helper-textarea"))
                    .sendKeys("echo hi-$((6*7))" + Keys.ENTER);
            browser.await("hi-42 in the terminal", d -> ANSWER.matcher(browser.terminalText())
                    .find());
            browser.screenshot(engine + "-terminal");
            browser.await(
                    "hi-42 for screen readers", d -> browser.accessibleText().contains("hi-42"));

            browser.driver.navigate().refresh();
            attached(browser);
            browser.await(
                    "hi-42 again, from the scrollback, after a reload",
                    d -> ANSWER.matcher(browser.terminalText()).find());

            String run = daemon.dispatch(null, "sh", "-c", "echo run-output-$((2+3))");
            browser.byTestId("nav-runs").click();
            browser.await("the run in the list", d -> !d.findElements(By.cssSelector("[data-run-id='" + run + "']"))
                    .isEmpty());
            browser.driver
                    .findElement(By.cssSelector("[data-run-id='" + run + "'] [data-testid='run-link']"))
                    .click();
            browser.await(
                    "the run's output on its page",
                    d -> browser.byTestId("run-output").getText().contains("run-output-5"));
            browser.screenshot(engine + "-run");
            browser.byTestId("nav-audit").click();
            browser.await(
                    "the console login in the audit log",
                    d -> browser.byTestId("audit-table").getText().contains("console.login"));

            browser.driver.get(base + "/sessions");
            browser.await("the new session in the list", d -> !d.findElements(
                            By.cssSelector("[data-session-id='" + id + "']"))
                    .isEmpty());
            Cookie cookie = browser.driver.manage().getCookieNamed("kaged_console");
            assertTrue(cookie.isHttpOnly(), "the session cookie is out of the page's reach");
            assertEquals(
                    200,
                    console.send("GET", "/v1/sessions", null, cookie.getValue(), null)
                            .statusCode());

            browser.byTestId("logout").click();
            browser.await("the login page after logout", d -> browser.path().equals("/login"));
            assertEquals(
                    401,
                    console.send("GET", "/v1/sessions", null, cookie.getValue(), null)
                            .statusCode(),
                    "the API refuses the cookie of a logged-out console");
            browser.driver.get(base + "/sessions");
            browser.await("the login page for a logged-out browser", d -> browser.path()
                    .equals("/login"));
            browser.screenshot(engine + "-login");

            browser.byTestId("login-token").sendKeys(daemon.token());
            browser.byTestId("login-submit").click();
            browser.await("the sessions page after a login with the token", d -> browser.path()
                    .equals("/sessions"));
            browser.byTestId("sessions-table");
            daemon.daemon.stop();
            browser.byTestId("unreachable");
            browser.screenshot(engine + "-unreachable");
        }
    }

    /** The session's columns once {@code condition} holds for them, as the API reports them. */
    private static int awaitCols(TestDaemon daemon, String id, String what, IntPredicate condition) throws Exception {
        int[] cols = new int[1];
        Eventually.waitFor(TestDaemon.WAIT, what, () -> {
            cols[0] = daemon.json("GET", "/v1/sessions/" + id, null, 200)
                    .get("cols")
                    .asInt();
            return condition.test(cols[0]);
        });
        return cols[0];
    }

    /** What {@code kaged console} prints for this daemon: the one-time login URL. */
    private static String kagedConsole(TestDaemon daemon) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Cli.commandLine(daemon.env());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(0, cli.execute("console"), err.toString());
        return out.toString().trim();
    }

    private static void attached(Browser browser) {
        browser.await("the terminal attached", d -> "live"
                .equals(browser.byTestId("attach-status").getAttribute("data-status")));
    }
}
