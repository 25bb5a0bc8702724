package io.kaged.actors.acp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalTailTest {

    private static final byte[] TEXT = "abcdeé€".getBytes(StandardCharsets.UTF_8); // 5 + 2 + 3 bytes

    @Test
    void keepsEverythingWithinTheLimit() {
        assertEquals(new TerminalTail.Tail("abcdeé€", false), TerminalTail.tail(TEXT, 10));
        assertEquals(new TerminalTail.Tail("abcdeé€", false), TerminalTail.tail(TEXT, 100));
    }

    @Test
    void cutsFromTheStartAtACharacterBoundary() {
        assertEquals(new TerminalTail.Tail("eé€", true), TerminalTail.tail(TEXT, 6));
        assertEquals(new TerminalTail.Tail("é€", true), TerminalTail.tail(TEXT, 5));
        // the last 4 bytes begin inside é: only the € is kept, under the limit
        assertEquals(new TerminalTail.Tail("€", true), TerminalTail.tail(TEXT, 4));
        assertEquals(new TerminalTail.Tail("€", true), TerminalTail.tail(TEXT, 3));
        assertEquals(new TerminalTail.Tail("", true), TerminalTail.tail(TEXT, 2));
        assertEquals(new TerminalTail.Tail("", true), TerminalTail.tail(TEXT, 0));
    }

    @Test
    void bytesThatAreNotUtf8BecomeReplacementCharacters() {
        assertEquals(
                new TerminalTail.Tail("a\uFFFDb", false), TerminalTail.tail(new byte[] {'a', (byte) 0xff, 'b'}, 10));
    }
}
