package io.kaged.daemon.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.daemon.serve.TestDaemon;
import io.kaged.persistence.testing.Eventually;
import io.kaged.persistence.testing.TestEngine;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;

/**
 * Two browsers, each with its own profile and login, on one session at once, as two operators (or a laptop
 * and a phone) use it: each sees what the other types and its output, a resize in one is the pty's size
 * that the other is shown as another client's, and a read-only viewer watches but cannot type.
 */
class ConsoleTwoBrowsersTest {

    @TempDir
    Path home;

    @TempDir
    Path profiles;

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void twoBrowsersOnOneSessionSeeEachOthersTypingAndSizeAndAWatcherCannotType(TestEngine engine) throws Exception {
        Path screenshots = Path.of("target", "console-screenshots");
        try (TestDaemon daemon = new TestDaemon(engine, home, "");
                Browser wide = new Browser(profiles.resolve("wide"), screenshots);
                Browser narrow = new Browser(profiles.resolve("narrow"), screenshots)) {
            String base = new ConsoleHttp(daemon).origin();
            wide.logInWithToken(base, daemon.token());
            narrow.driver.manage().window().setSize(new Dimension(700, 700));
            narrow.logInWithToken(base, daemon.token());
            String id = daemon.json(
                            "POST",
                            "/v1/sessions",
                            "{\"command\":[\"bash\",\"--norc\",\"--noprofile\"],\"env\":{\"PS1\":\"$ \"}}",
                            201)
                    .get("id")
                    .asText();
            wide.driver.get(base + "/sessions/" + id);
            wide.awaitAttached();
            narrow.driver.get(base + "/sessions/" + id);
            narrow.awaitAttached();

            wide.type("echo from-wide-$((1+1))" + Keys.ENTER);
            narrow.await(
                    "the wide browser's typing and its output in the narrow one",
                    d -> narrow.lines("from-wide-2") == 1
                            && narrow.terminalText().contains("echo from-wide-$((1+1))"));
            narrow.type("echo from-narrow-$((2+1))" + Keys.ENTER);
            wide.await(
                    "the narrow browser's typing and its output in the wide one",
                    d -> wide.lines("from-narrow-3") == 1 && wide.terminalText().contains("echo from-narrow-$((2+1))"));
            assertEquals(1, wide.lines("from-wide-2"), "each line once: " + wide.terminalText());

            // The narrow browser attached last, so the pty has its size; the wide one says it is another's.
            int[] narrowSize = ptySize(daemon, id, "the narrow browser's size on the pty", cols -> cols < 100);
            sizeShown(wide, narrowSize, true);
            sizeShown(narrow, narrowSize, false);
            wide.screenshot(engine + "-two-browsers-other-size");

            // A resize in the wide browser is the pty's new size, and the narrow one shows it as another's.
            wide.driver.manage().window().setSize(new Dimension(1100, 600));
            int[] wideSize = ptySize(daemon, id, "the wide browser's size after its resize", cols -> cols > 100);
            sizeShown(narrow, wideSize, true);
            sizeShown(wide, wideSize, false);
            narrow.screenshot(engine + "-two-browsers-resized-by-the-other");

            // The narrow browser turns into a watcher: its keys go nowhere, the other's output still arrives.
            narrow.byTestId("read-only").click();
            narrow.await(
                    "the narrow browser watching",
                    d -> narrow.driver.getCurrentUrl().contains("readOnly=true"));
            narrow.awaitAttached();
            narrow.type("echo from-watcher-$((3+1))" + Keys.ENTER);
            wide.type("echo from-wide-$((4+1))" + Keys.ENTER);
            narrow.await("the wide browser's output for the watcher", d -> narrow.lines("from-wide-5") == 1);
            wide.await("the wide browser's own output", d -> wide.lines("from-wide-5") == 1);
            String transcript = daemon.call("GET", "/v1/sessions/" + id + "/transcript", null)
                    .body();
            assertFalse(transcript.contains("from-watcher"), "the watcher typed nothing: " + transcript);
            assertFalse(wide.terminalText().contains("from-watcher"), wide.terminalText());
            assertEquals(wideSize[0], cols(daemon, id), "a watcher's attach does not resize the pty");
            narrow.screenshot(engine + "-two-browsers-watcher");

            assertTrue(transcript.contains("from-narrow-3"), "the narrow browser typed while it could");
        }
    }

    /** Waits until the browser's size line shows {@code size}, with the note of another client's size or not. */
    private static void sizeShown(Browser browser, int[] size, boolean byAnother) {
        String expected = size[0] + "×" + size[1];
        browser.await("the size line showing " + expected + (byAnother ? " as another client's" : " as its own"), d -> {
            String shown = browser.byTestId("session-size").getText();
            return shown.startsWith(expected) && shown.contains("another client") == byAnother;
        });
    }

    /** The pty's columns and rows once {@code cols} satisfies the condition, as the API reports them. */
    private static int[] ptySize(TestDaemon daemon, String id, String what, java.util.function.IntPredicate cols)
            throws Exception {
        int[] size = new int[2];
        Eventually.waitFor(TestDaemon.WAIT, what, () -> {
            JsonNode s = daemon.json("GET", "/v1/sessions/" + id, null, 200);
            size[0] = s.get("cols").asInt();
            size[1] = s.get("rows").asInt();
            return cols.test(size[0]);
        });
        return size;
    }

    private static int cols(TestDaemon daemon, String id) throws Exception {
        return daemon.json("GET", "/v1/sessions/" + id, null, 200).get("cols").asInt();
    }
}
