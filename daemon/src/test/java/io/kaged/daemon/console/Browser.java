package io.kaged.daemon.console;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Debian's chromedriver, never a downloaded browser: both paths
 * are given, so Selenium has nothing to look up or fetch. Each browser gets a fresh profile folder, so no
 * cookie or cache survives from one test to the next.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(30);

    final ChromeDriver driver;
    private final Path screenshots;

    Browser(Path profile, Path screenshots) throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("The console's browser tests need Debian's chromium and chromium-driver"
                    + " (" + CHROMIUM + ", " + CHROMEDRIVER + "): apt-get install chromium chromium-driver,"
                    + " which bin/test does when they are missing.");
        }
        this.screenshots = Files.createDirectories(screenshots);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--window-size=1280,900",
                "--user-data-dir=" + Files.createDirectories(profile));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(WAIT);
    }

    <T> T await(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT)
                .withMessage(() -> what + "; the page at " + driver.getCurrentUrl() + " shows: " + visibleText()
                        + "\nThe browser's console:\n" + consoleLog())
                .until(condition);
    }

    WebElement byTestId(String id) {
        return await(
                "an element with data-testid=" + id, d -> d.findElement(By.cssSelector("[data-testid='" + id + "']")));
    }

    String path() {
        return (String) ((JavascriptExecutor) driver).executeScript("return location.pathname;");
    }

    /** The rows the terminal shows, one line each, as xterm.js rendered them. */
    String terminalText() {
        Object text = ((JavascriptExecutor) driver)
                .executeScript("const rows = document.querySelector(\"[data-testid='terminal'] .xterm-rows\");"
                        + " return rows ? Array.from(rows.children).map(r => r.textContent).join('\\n') : '';");
        return text == null ? "" : text.toString().replace('\u00a0', ' ');
    }

    /** What xterm.js's screen-reader mode offers assistive technology: its accessibility tree's text. */
    String accessibleText() {
        Object text = ((JavascriptExecutor) driver)
                .executeScript(
                        "const tree = document.querySelector(\"[data-testid='terminal'] .xterm-accessibility-tree\");"
                                + " return tree ? tree.textContent : '';");
        return text == null ? "" : text.toString();
    }

    /** Logs in on the login page with the daemon's API token and waits for the sessions page. */
    void logInWithToken(String origin, String token) {
        driver.get(origin + "/login");
        byTestId("login-token").sendKeys(token);
        byTestId("login-submit").click();
        await("the sessions page after a login with the token", d -> path().equals("/sessions"));
    }

    /** Waits until the terminal's WebSocket is attached. */
    void awaitAttached() {
        await("the terminal attached", d -> "live"
                .equals(byTestId("attach-status").getAttribute("data-status")));
    }

    /** Types into the terminal as the keyboard would (xterm.js's hidden text area takes the keys). */
    void type(CharSequence keys) {
        driver.findElement(By.cssSelector("[data-testid='terminal'] .xterm-helper-textarea"))
                .sendKeys(keys);
    }

    /** How many of the terminal's rows are exactly {@code text} (the output, not the echoed command). */
    long lines(String text) {
        return terminalText().lines().filter(l -> l.strip().equals(text)).count();
    }

    String visibleText() {
        try {
            return driver.findElement(By.tagName("body")).getText();
        } catch (RuntimeException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** What the page wrote to the browser's console (errors included), for a failure's message. */
    String consoleLog() {
        try {
            StringBuilder out = new StringBuilder();
            for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
                out.append(e.getLevel()).append(' ').append(e.getMessage()).append('\n');
            }
            return out.toString();
        } catch (RuntimeException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** A screenshot under target/, for a person to look at. */
    void screenshot(String name) throws IOException {
        Files.write(screenshots.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
