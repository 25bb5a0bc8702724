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
import java.util.List;
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

    @TempDir
    Path outside;

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

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void theTerminalContinuesFromItsLastByteAfterANetworkDropAndOffersPhoneKeysAndReadOnly(TestEngine engine)
            throws Exception {
        try (TestDaemon daemon = new TestDaemon(engine, home, "");
                DroppingProxy network = new DroppingProxy(daemon.daemon.port());
                Browser browser = new Browser(profile, Path.of("target", "console-screenshots"))) {
            String base = "http://127.0.0.1:" + network.port();
            browser.driver.manage().window().setSize(new Dimension(600, 800));
            browser.driver.get(base + "/login");
            browser.byTestId("login-token").sendKeys(daemon.token());
            browser.byTestId("login-submit").click();
            browser.await("the sessions page", d -> browser.path().equals("/sessions"));
            JsonNode created = daemon.json(
                    "POST",
                    "/v1/sessions",
                    "{\"command\":[\"bash\",\"--norc\",\"--noprofile\"],\"env\":{\"PS1\":\"$ \"}}",
                    201);
            String id = created.get("id").asText();
            browser.driver.get(base + "/sessions/" + id);
            attached(browser);
            type(browser, "echo a-$((1+1))" + Keys.ENTER);
            browser.await("a-2 in the terminal", d -> lines(browser, "a-2") == 1);
            Thread.sleep(500); // the prompt after it, so the screen has all the session wrote
            long pid = daemon.json("GET", "/v1/sessions/" + id, null, 200)
                    .get("pid")
                    .asLong();
            int seen = transcript(daemon, id).length;

            network.down();
            browser.await("the console noticing the drop", d -> !"live"
                    .equals(browser.byTestId("attach-status").getAttribute("data-status")));
            daemon.json("POST", "/v1/sessions/" + id + "/input", "{\"data\":\"echo b-$((2+1))\\n\"}", 200);
            Eventually.waitFor(TestDaemon.WAIT, "b-3 in the transcript while the browser is away", () -> new String(
                            transcript(daemon, id), java.nio.charset.StandardCharsets.UTF_8)
                    .contains("b-3\r\n"));
            network.up();
            attached(browser);
            browser.await("b-3, written while away, in the terminal", d -> lines(browser, "b-3") == 1);
            browser.screenshot(engine + "-reconnected");
            assertEquals(1, lines(browser, "a-2"), "nothing shown twice: " + browser.terminalText());
            List<String> attaches = network.requestLines().stream()
                    .filter(l -> l.contains("/attach"))
                    .toList();
            assertTrue(
                    attaches.get(attaches.size() - 1).contains("from=" + seen),
                    "the reconnect asks for the bytes after the " + seen + " it had: " + attaches);
            JsonNode after = daemon.json("GET", "/v1/sessions/" + id, null, 200);
            assertEquals(pid, after.get("pid").asLong(), "the same process, not a new one");
            assertEquals(0, after.get("restarts").asInt());

            type(browser, "sleep 300" + Keys.ENTER);
            browser.byTestId("key-bar")
                    .findElement(By.cssSelector("[data-key='Ctrl']"))
                    .click();
            browser.byTestId("key-bar")
                    .findElement(By.cssSelector("[data-key='Ctrl+C']"))
                    .click();
            type(browser, "echo c-$((3+1))" + Keys.ENTER);
            browser.await("c-4 after Ctrl+C from the key bar ended the sleep", d -> lines(browser, "c-4") == 1);
            browser.byTestId("key-bar")
                    .findElement(By.cssSelector("[data-key='Up']"))
                    .click();
            type(browser, Keys.ENTER.toString());
            browser.await("c-4 again: the key bar's Up recalled the command", d -> lines(browser, "c-4") == 2);
            browser.screenshot(engine + "-key-bar");

            browser.byTestId("read-only").click();
            browser.await("the read-only URL", d -> ((String)
                            ((org.openqa.selenium.JavascriptExecutor) d).executeScript("return location.search;"))
                    .contains("readOnly=true"));
            attached(browser);
            browser.await("the key bar gone when watching only", d -> d.findElements(
                            By.cssSelector("[data-testid='key-bar']"))
                    .isEmpty());
            browser.await("the scrollback for the watcher", d -> lines(browser, "c-4") == 2);
            type(browser, "echo ro-$((4+1))" + Keys.ENTER);
            daemon.json("POST", "/v1/sessions/" + id + "/input", "{\"data\":\"echo api-$((5+1))\\n\"}", 200);
            browser.await("output still shown read-only", d -> lines(browser, "api-6") == 1);
            assertTrue(
                    !new String(transcript(daemon, id), java.nio.charset.StandardCharsets.UTF_8).contains("ro-5"),
                    "a read-only console types nothing");
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void runsAreWatchedAndSteeredAndStatsAndProjectsShown(TestEngine engine) throws Exception {
        try (TestDaemon daemon = new TestDaemon(engine, home, "");
                Browser browser = new Browser(profile, Path.of("target", "console-screenshots"))) {
            String base = new ConsoleHttp(daemon).origin();
            browser.driver.get(base + "/login");
            browser.byTestId("login-token").sendKeys(daemon.token());
            browser.byTestId("login-submit").click();
            browser.await("the sessions page", d -> browser.path().equals("/sessions"));
            daemon.json("POST", "/v1/projects", "{\"name\":\"demo\"}", 201);
            daemon.json("POST", "/v1/projects/demo/prompts/review", "{\"body\":\"Check the tests.\\n\"}", 201);
            daemon.json("POST", "/v1/projects/demo/prompts/review", "{\"body\":\"Check the tests twice.\\n\"}", 201);
            String run = daemon.json(
                            "POST",
                            "/v1/runs",
                            "{\"project\":\"demo\",\"command\":[\"sh\",\"-c\",\"i=0; while true; do echo tick-$i;"
                                    + " i=$((i+1)); sleep 0.2; done\"]}",
                            201)
                    .get("id")
                    .asText();
            String child = daemon.dispatch(run, "sh", "-c", "echo child-output");

            browser.driver.get(base + "/runs/" + run);
            browser.await(
                    "live output", d -> browser.byTestId("run-output").getText().contains("tick-3"));
            browser.await("the child run listed", d -> !d.findElements(By.cssSelector("[data-run-id='" + child + "']"))
                    .isEmpty());

            act(browser, "run-pause");
            browser.await("paused", d -> browser.byTestId("run-state").getText().startsWith("paused"));
            assertEquals("paused", daemon.state(run));
            browser.await("the pause's checkpoint", d -> checkpoints(browser) == 1);
            browser.await("the Paused event in the timeline", d -> !d.findElements(
                            By.cssSelector("[data-event-type='Paused']"))
                    .isEmpty());
            act(browser, "run-resume");
            browser.await(
                    "running again",
                    d -> browser.byTestId("run-state").getText().startsWith("running"));

            browser.byTestId("run-checkpoint").click();
            browser.byTestId("checkpoint-label").sendKeys("x".repeat(201));
            browser.byTestId("confirm-yes").click();
            browser.await(
                    "the API's refusal shown as it words it",
                    d -> browser.byTestId("problem").getText().contains("at most 200 characters"));
            browser.byTestId("run-checkpoint").click();
            browser.byTestId("checkpoint-label").sendKeys("cp-browser");
            browser.byTestId("confirm-yes").click();
            browser.await(
                    "the labelled checkpoint listed",
                    d -> checkpoints(browser) == 2
                            && browser.byTestId("checkpoints").getText().contains("cp-browser"));

            browser.byTestId("run-cancel").click();
            browser.byTestId("confirm-no").click();
            assertEquals("running", daemon.state(run), "backing out of the question changes nothing");
            act(browser, "run-cancel");
            browser.await(
                    "cancelled", d -> browser.byTestId("run-state").getText().startsWith("cancelled"));
            browser.screenshot(engine + "-run-controls");

            browser.byTestId("run-rollback").click();
            new org.openqa.selenium.support.ui.Select(browser.byTestId("rollback-checkpoint"))
                    .selectByVisibleText(
                            browser.byTestId("rollback-checkpoint").findElements(By.tagName("option")).stream()
                                    .map(o -> o.getText())
                                    .filter(t -> t.startsWith("cp-browser"))
                                    .findFirst()
                                    .orElseThrow());
            browser.byTestId("confirm-yes").click();
            browser.await(
                    "running again after the rollback",
                    d -> browser.byTestId("run-state").getText().startsWith("running"));
            browser.await("the RolledBack event", d -> !d.findElements(By.cssSelector("[data-event-type='RolledBack']"))
                    .isEmpty());
            daemon.json("POST", "/v1/runs/" + run + "/cancel", null, 200);

            browser.byTestId("nav-runs").click();
            new org.openqa.selenium.support.ui.Select(browser.byTestId("runs-filter-state")).selectByValue("succeeded");
            browser.await("only the finished child when filtering by succeeded", d -> {
                var rows = d.findElements(By.cssSelector("[data-testid='run-row']"));
                return rows.size() == 1 && child.equals(rows.get(0).getAttribute("data-run-id"));
            });
            assertTrue(((String) ((org.openqa.selenium.JavascriptExecutor) browser.driver)
                            .executeScript("return location.search;"))
                    .contains("state=succeeded"));

            browser.byTestId("nav-stats").click();
            browser.await("runs by state as bars", d -> !d.findElements(By.cssSelector(
                            "[data-testid='stats-runs-by-state'] [data-key='succeeded'][data-count='1']"))
                    .isEmpty());
            browser.byTestId("stats-success-rate");
            browser.screenshot(engine + "-stats");

            browser.byTestId("nav-projects").click();
            browser.byTestId("project-link").click();
            browser.await("the project's page", d -> browser.path().equals("/projects/demo"));
            browser.byTestId("prompt").click();
            browser.byTestId("diff-show").click();
            browser.await(
                    "the diff of the two versions",
                    d -> browser.byTestId("prompt-diff").getText().contains("+Check the tests twice."));
            browser.screenshot(engine + "-project");
        }
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void pendingApprovalsShowABadgeWhatTheAgentWantsAndTakeTheOperatorsAnswer(TestEngine engine) throws Exception {
        try (TestDaemon daemon = new TestDaemon(engine, home, "");
                Browser browser = new Browser(profile, Path.of("target", "console-screenshots"))) {
            String base = new ConsoleHttp(daemon).origin();
            browser.driver.get(base + "/login");
            browser.byTestId("login-token").sendKeys(daemon.token());
            browser.byTestId("login-submit").click();
            browser.await("the sessions page", d -> browser.path().equals("/sessions"));
            // the agent's workspace outside the kaged home: an ACP run is sandboxed, and a sandbox refuses the home
            Path work = java.nio.file.Files.createDirectories(outside.resolve("agent-work"));
            var body = TestDaemon.JSON.createObjectNode();
            body.set("command", TestDaemon.JSON.valueToTree(io.kaged.daemon.agent.TestAgent.command()));
            body.put("cwd", work.toString());
            body.putObject("acp").put("prompt", "ask edit notes.txt; ask execute make test; say done");
            String run = daemon.json("POST", "/v1/runs", body.toString(), 201)
                    .get("id")
                    .asText();

            browser.await(
                    "the badge counting one waiting request",
                    d -> !d.findElements(By.cssSelector("[data-testid='approvals-badge']"))
                                    .isEmpty()
                            && browser.byTestId("approvals-badge").getText().equals("1"));
            browser.byTestId("nav-approvals").click();
            browser.await(
                    "the edit's diff",
                    d -> browser.byTestId("tool-call-diff").getText().contains("+new line of notes.txt"));
            assertTrue(
                    browser.byTestId("approval").getText().contains("edit"),
                    browser.byTestId("approval").getText());
            browser.screenshot(engine + "-approvals");
            browser.byTestId("approval")
                    .findElement(By.cssSelector("[data-option-kind='allow_once']"))
                    .click();
            browser.await("the next request, a command", d -> {
                var cmd = d.findElements(By.cssSelector("[data-testid='tool-call-command']"));
                return !cmd.isEmpty() && cmd.get(0).getText().contains("$ make test");
            });
            browser.byTestId("approval")
                    .findElement(By.cssSelector("[data-option-kind='reject_once']"))
                    .click();
            browser.await("nothing waiting", d -> !d.findElements(By.cssSelector("[data-testid='approvals-none']"))
                    .isEmpty());
            browser.await("both answers listed as decided by the operator", d -> {
                String decided = browser.byTestId("approvals-decided").getText();
                return decided.contains("allow_once") && decided.contains("reject_once");
            });
            JsonNode approvals = daemon.json("GET", "/v1/approvals?state=decided&runId=" + run, null, 200);
            assertEquals(2, approvals.get("items").size(), approvals.toString());
            for (JsonNode a : approvals.get("items")) {
                assertTrue(a.get("decidedBy").asText().startsWith("operator"), a.toString());
            }
            daemon.json("POST", "/v1/runs/" + run + "/cancel", null, 200);
        }
    }

    /** Clicks an action's button, then the question's yes. */
    private static void act(Browser browser, String button) {
        browser.byTestId(button).click();
        browser.byTestId("confirm-yes").click();
    }

    private static int checkpoints(Browser browser) {
        return browser.driver
                .findElements(By.cssSelector("[data-testid='checkpoint']"))
                .size();
    }

    private static void type(Browser browser, String keys) {
        browser.driver
                .findElement(By.cssSelector("[data-testid='terminal'] .xterm-helper-textarea"))
                .sendKeys(keys);
    }

    /** How many of the terminal's rows are exactly {@code text} (the output, not the echoed command). */
    private static long lines(Browser browser, String text) {
        return browser.terminalText()
                .lines()
                .filter(l -> l.strip().equals(text))
                .count();
    }

    private static byte[] transcript(TestDaemon daemon, String id) throws Exception {
        return daemon.call("GET", "/v1/sessions/" + id + "/transcript", null)
                .body()
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
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
