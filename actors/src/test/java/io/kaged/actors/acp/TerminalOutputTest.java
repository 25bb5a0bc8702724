package io.kaged.actors.acp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalOutputTest {

    private static final byte[] TEXT = "abcdeé€".getBytes(StandardCharsets.UTF_8); // 5 + 2 + 3 bytes

    @Test
    void keepsEverythingWithinTheLimit() {
        assertEquals(new TerminalOutput.Tail("abcdeé€", false), TerminalOutput.tail(TEXT, 10));
        assertEquals(new TerminalOutput.Tail("abcdeé€", false), TerminalOutput.tail(TEXT, 100));
    }

    @Test
    void cutsFromTheStartAtACharacterBoundary() {
        assertEquals(new TerminalOutput.Tail("eé€", true), TerminalOutput.tail(TEXT, 6));
        assertEquals(new TerminalOutput.Tail("é€", true), TerminalOutput.tail(TEXT, 5));
        // the last 4 bytes begin inside é: only the € is kept, under the limit
        assertEquals(new TerminalOutput.Tail("€", true), TerminalOutput.tail(TEXT, 4));
        assertEquals(new TerminalOutput.Tail("€", true), TerminalOutput.tail(TEXT, 3));
        assertEquals(new TerminalOutput.Tail("", true), TerminalOutput.tail(TEXT, 2));
        assertEquals(new TerminalOutput.Tail("", true), TerminalOutput.tail(TEXT, 0));
    }

    @Test
    void bytesThatAreNotUtf8BecomeReplacementCharacters() {
        assertEquals(
                new TerminalOutput.Tail("a\uFFFDb", false),
                TerminalOutput.tail(new byte[] {'a', (byte) 0xff, 'b'}, 10));
    }
}
