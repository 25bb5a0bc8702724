package io.kaged.http.console;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConsoleAssetsTest {

    @Test
    void gzipIsSentOnlyToABrowserThatTakesIt() {
        assertTrue(ConsoleAssets.acceptsGzip("gzip, deflate, br, zstd"));
        assertTrue(ConsoleAssets.acceptsGzip("br;q=1.0, GZIP;q=0.5"));
        assertTrue(ConsoleAssets.acceptsGzip("*"));
        assertFalse(ConsoleAssets.acceptsGzip("identity"));
        assertFalse(ConsoleAssets.acceptsGzip("br"));
        assertFalse(ConsoleAssets.acceptsGzip("gzip;q=0"));
        assertFalse(ConsoleAssets.acceptsGzip("gzip; q=0.000, br"));
        assertFalse(ConsoleAssets.acceptsGzip(""));
    }
}
