package io.kaged.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The console's first load as a browser with nothing cached sees it: from the navigation's start until the
 * sessions page has drawn its list (the data fetched from the API included), and the bytes of the page and its
 * assets as they came over the wire (compressed, if the server compressed them; the API's JSON not counted).
 */
final class FirstLoad {

    record Result(double medianMillis, double worstMillis, long wireBytes, long decodedBytes) {}

    /** Notes when the sessions page's list (or its "no sessions" line) appears, from the document's start. */
    private static final String WATCH = "window.__shownAt = null;"
            + " new MutationObserver((_, obs) => {"
            + "   if (document.querySelector(\"[data-testid='sessions-table'], [data-testid='sessions-empty']\")) {"
            + "     window.__shownAt = performance.now(); obs.disconnect(); } })"
            + " .observe(document, { subtree: true, childList: true });";

    private static final String BYTES = "const all = [performance.getEntriesByType('navigation')[0]].concat("
            + " performance.getEntriesByType('resource').filter(r => r.initiatorType !== 'fetch'"
            + " && r.initiatorType !== 'xmlhttprequest'));"
            + " return [all.reduce((s, r) => s + r.transferSize, 0), all.reduce((s, r) => s + r.decodedBodySize, 0)];";

    private FirstLoad() {}

    static Result measure(BenchBrowser browser, String url, int loads) throws InterruptedException {
        Map<String, Object> script =
                browser.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", WATCH));
        browser.driver.executeCdpCommand("Network.enable", Map.of());
        browser.driver.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", true));
        double[] millis = new double[loads];
        long wire = 0;
        long decoded = 0;
        try {
            for (int i = 0; i < loads; i++) {
                browser.driver.get("about:blank");
                browser.driver.get(url);
                browser.await("the sessions page drawn", () -> browser.js("return window.__shownAt;") != null);
                millis[i] = ((Number) browser.js("return window.__shownAt;")).doubleValue();
                List<?> bytes = (List<?>) browser.js(BYTES);
                wire = ((Number) bytes.get(0)).longValue();
                decoded = ((Number) bytes.get(1)).longValue();
            }
        } finally {
            browser.driver.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", false));
            browser.driver.executeCdpCommand(
                    "Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", script.get("identifier")));
        }
        Arrays.sort(millis);
        return new Result(millis[loads / 2], millis[loads - 1], wire, decoded);
    }
}
