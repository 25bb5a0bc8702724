package io.kaged.actors.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MaskedJsonLinesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code in} read one byte at a time, so that every value is split across reads. */
    private static InputStream trickling(byte[] bytes) {
        InputStream whole = new ByteArrayInputStream(bytes);
        return new InputStream() {
            @Override
            public int read() throws IOException {
                return whole.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : whole.read(b, off, 1);
            }
        };
    }

    @Test
    void aValueInAJsonStringIsMaskedAlsoEscapedAndSplitAndTheLineStaysJson() throws Exception {
        String plain = "sk-plain-1234";
        String quoting = "pa\"ss\\word";
        String line = JSON.createObjectNode()
                        .put("text", "key " + plain + " and " + quoting + " end")
                        .toString()
                + "\n";
        String masked = new String(
                MaskedJsonLines.wrap(trickling(line.getBytes(StandardCharsets.UTF_8)), List.of(plain, quoting))
                        .readAllBytes(),
                StandardCharsets.UTF_8);
        assertEquals("{\"text\":\"key *** and *** end\"}\n", masked);
        assertEquals("key *** and *** end", JSON.readTree(masked).get("text").asText());
    }

    @Test
    void aWholeLineIsGivenAtOnceEvenWhenItsEndCouldBeginAValue() throws Exception {
        PipedOutputStream agent = new PipedOutputStream();
        InputStream masked = MaskedJsonLines.wrap(new PipedInputStream(agent, 1024), List.of("}\nnext"));
        agent.write("{\"a\":\"x\"}\n".getBytes(StandardCharsets.UTF_8));
        agent.flush();
        byte[] got = new byte[64];
        int n = CompletableFuture.supplyAsync(() -> {
                    try {
                        return masked.read(got);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .get(5, TimeUnit.SECONDS);
        // the escaped form of the value has no raw line end, so nothing of the line is held back
        assertEquals("{\"a\":\"x\"}\n", new String(got, 0, n, StandardCharsets.UTF_8));
    }

    @Test
    void noSecretsLeaveTheStreamAsItIs() {
        InputStream in = new ByteArrayInputStream(new byte[0]);
        assertSame(in, MaskedJsonLines.wrap(in, List.of()));
    }
}
