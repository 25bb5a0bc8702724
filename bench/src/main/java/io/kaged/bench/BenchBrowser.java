package io.kaged.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium through Debian's chromedriver, as the console's browser tests drive it (never a
 * downloaded browser), with what the console benchmark needs on top: keys sent as the keyboard sends them
 * (Chrome DevTools' Input.dispatchKeyEvent, trusted events that xterm.js handles like typing), the probe
 * ({@code console-bench/probe.js}) that times what the page renders, and a tap on every page's WebSockets
 * ({@code console-bench/socket-tap.js}) that notes when a message reached the page.
 */
final class BenchBrowser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofMinutes(5);

    final ChromeDriver driver;
    private final String probe;
    private final String roundTrip;
    /** The key held down by {@link #press}, released by {@link #release}; null when none is. */
    private Key held;

    private record Key(String key, String code, int vk) {}

    BenchBrowser(Path profile) throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the console benchmark needs Debian's chromium and chromium-driver ("
                    + CHROMIUM + ", " + CHROMEDRIVER + "): apt-get install chromium chromium-driver");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
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
        // Extra Chromium switches for an experiment (for example --disable-frame-rate-limit, to see what of the
        // echo is the browser's frame pacing): the same switches reach both sides of the comparison.
        String extra = System.getenv("KAGED_BENCH_CHROMIUM_FLAGS");
        if (extra != null && !extra.isBlank()) {
            options.addArguments(extra.trim().split("\\s+"));
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(WAIT);
        this.probe = resource("probe.js");
        this.roundTrip = resource("round-trip.js");
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", resource("socket-tap.js")));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = BenchBrowser.class.getResourceAsStream("/console-bench/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    String version() {
        return driver.getCapabilities().getBrowserVersion();
    }

    Object js(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /** Waits up to five minutes for {@code condition}, polling every 10 ms. */
    void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting for " + what + " at " + driver.getCurrentUrl());
            }
            Thread.sleep(10);
        }
    }

    boolean present(String css) {
        return !driver.findElements(By.cssSelector(css)).isEmpty();
    }

    /** Installs the probe into the page and gives the terminal the keyboard focus. */
    void installProbe() {
        driver.executeScript(probe);
        driver.executeScript("document.querySelector('.xterm-helper-textarea').focus();");
    }

    String cursorRow() {
        return (String) js("return window.__probe.cursorRow();");
    }

    /** Arms the probe to stop its clock when the row with the cursor reads {@code text} (trailing blanks aside). */
    void armCursorRow(String text) {
        js("const want = arguments[0]; window.__probe.arm(() => window.__probe.cursorRow() === want);", text);
    }

    /**
     * Arms the probe to stop its clock when a line ended with Enter is done in {@code cat}: the line twice above
     * the cursor (the echo, then {@code cat}'s copy) and the cursor's row empty. Waiting for the echo of Enter
     * alone would race {@code cat}'s copy against the next key's echo.
     */
    void armLineDone(String line) {
        js(
                "const want = arguments[0]; const p = window.__probe;"
                        + " p.arm(() => p.cursorRow() === '' && p.cursorRow(1) === want && p.cursorRow(2) === want);",
                line);
    }

    /** Arms the probe to stop its clock when any rendered row reads exactly {@code text}. */
    void armAnyRow(String text) {
        js("const want = arguments[0]; window.__probe.arm(() => window.__probe.anyRow(want));", text);
    }

    /**
     * Milliseconds from the last key down to the render the probe was armed for, once it has happened, or -1 if
     * it has not within {@code giveUpMillis}.
     */
    double awaitProbe(long giveUpMillis) {
        Object ms = driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1]; const p = window.__probe;"
                        + " if (p.result !== null) { done(p.result); return; }"
                        + " p.waiter = done; setTimeout(() => { if (p.waiter === done) { p.waiter = null; done(-1); } },"
                        + " arguments[0]);",
                giveUpMillis);
        return ((Number) ms).doubleValue();
    }

    /**
     * Puts one printable ASCII letter or digit down, as a keyboard sends it, and holds it until {@link #release}.
     * A typist holds a key for about 100 ms, longer than its echo takes; releasing it at once would put a second
     * input event into the renderer while the echo is on its way, which typing never does.
     */
    void press(char c) {
        String key = String.valueOf(c);
        boolean letter = Character.isLetter(c);
        int vk = letter ? Character.toUpperCase(c) : c;
        String code = letter ? "Key" + Character.toUpperCase(c) : "Digit" + c;
        down(new Key(key, code, vk), key);
    }

    /** Enter down, held until {@link #release} like {@link #press}. */
    void pressEnter() {
        down(new Key("Enter", "Enter", 13), "\r");
    }

    /** Releases the key that {@link #press} or {@link #pressEnter} holds down, if one is. */
    void release() {
        if (held == null) {
            return;
        }
        Key k = held;
        held = null;
        driver.executeCdpCommand(
                "Input.dispatchKeyEvent",
                Map.of(
                        "type",
                        "keyUp",
                        "key",
                        k.key(),
                        "code",
                        k.code(),
                        "windowsVirtualKeyCode",
                        k.vk(),
                        "nativeVirtualKeyCode",
                        k.vk()));
    }

    private void down(Key k, String text) {
        release();
        driver.executeCdpCommand(
                "Input.dispatchKeyEvent",
                Map.of(
                        "type", "keyDown",
                        "key", k.key(),
                        "code", k.code(),
                        "windowsVirtualKeyCode", k.vk(),
                        "nativeVirtualKeyCode", k.vk(),
                        "text", text,
                        "unmodifiedText", text));
        held = k;
    }

    /**
     * Milliseconds from the last key down until the first WebSocket message after it reached the page, for the
     * render the probe last saw, or -1 if no message came.
     */
    double lastArrival() {
        return ((Number) js("return window.__probe.arrived;")).doubleValue();
    }

    /**
     * {@code count} round trips of one byte through a new WebSocket to {@code cat} on the page's own server (the
     * bridge's page), in milliseconds: the browser's socket alone, with no key event and no render.
     */
    List<Double> socketRoundTrips(int count) {
        List<?> trips = (List<?>) driver.executeAsyncScript(roundTrip, count);
        return trips.stream().map(t -> ((Number) t).doubleValue()).toList();
    }

    /** Types text into the terminal with WebDriver (for commands; not timed). */
    void type(String text) {
        driver.findElement(By.cssSelector(".xterm-helper-textarea")).sendKeys(text);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
