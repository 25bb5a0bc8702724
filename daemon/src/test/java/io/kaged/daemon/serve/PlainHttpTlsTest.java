package io.kaged.daemon.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/**
 * Pekko's TLS placebo gets its empty session without the JDK's TLS stack, and the JVM's default
 * SSLContext still works, built when first used. Checked in a JVM of its own, whose class loading is
 * known: in this one, other tests may have loaded the TLS stack already.
 */
class PlainHttpTlsTest {

    private static final String CONTEXT_IMPL = "sun.security.ssl.SSLContextImpl ";

    @Test
    void thePlaceboIsReadyWithoutTheTlsStackWhichLoadsOnFirstUse() throws Exception {
        List<String> out = runProbe();
        int ready = out.indexOf("placebo-ready");
        assertTrue(ready > 0, () -> "the probe did not get ready: " + out);
        assertTrue(
                out.subList(0, ready).stream().noneMatch(l -> l.contains(CONTEXT_IMPL)),
                "the TLS stack loaded for the placebo's session");
        assertEquals(List.of("placebo SSL_NULL_WITH_NULL_NULL NONE"), printed(out, "placebo "));
        assertTrue(
                out.subList(ready, out.size()).stream().anyMatch(l -> l.contains(CONTEXT_IMPL)),
                "the default context never loaded the TLS stack");
        assertEquals(List.of("default TLSv1.3 true"), printed(out, "default "));
    }

    private static List<String> printed(List<String> out, String prefix) {
        return out.stream().filter(l -> l.startsWith(prefix)).toList();
    }

    @Test
    void theDefaultContextIsTheJvmsOwnBehindTheStandIn() throws Exception {
        PlainHttpTls.initPlacebo();
        SSLContext context = SSLContext.getDefault();
        assertEquals("Default", context.getProtocol());
        assertEquals("SunJSSE", context.getProvider().getName());
        SSLEngine engine = context.createSSLEngine("localhost", 443);
        assertTrue(Arrays.asList(engine.getSupportedProtocols()).contains("TLSv1.3"));
        assertTrue(engine.getEnabledCipherSuites().length > 0);
        assertTrue(context.getSocketFactory().getDefaultCipherSuites().length > 0);
        assertTrue(
                Arrays.asList(context.getDefaultSSLParameters().getProtocols()).contains("TLSv1.2"));
        assertThrowsKeyManagement(context);
    }

    private static void assertThrowsKeyManagement(SSLContext context) {
        // the JVM's default context refuses to be initialised again; so does the stand-in
        try {
            context.init(null, null, null);
        } catch (java.security.KeyManagementException expected) {
            return;
        }
        throw new AssertionError("init of the default context was accepted");
    }

    private static List<String> runProbe() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(
                        java.toString(),
                        "-Xshare:off",
                        "-Xlog:class+load=info:stdout:none",
                        "-cp",
                        System.getProperty("java.class.path"),
                        PlainHttpTlsProbe.class.getName())
                .redirectErrorStream(true)
                .start();
        List<String> lines = new ArrayList<>(
                Arrays.asList(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(
                0, p.exitValue(), () -> String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
        return lines;
    }
}
