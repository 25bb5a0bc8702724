package io.kaged.daemon.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The answers the CLI reads from kaged's Unix socket: by length, chunked, to the end, and broken ones. */
class UnixSocketHttpTest {

    private static UnixSocketHttp.Answer read(String raw) throws IOException {
        return UnixSocketHttp.read(new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsABodyByItsLength() throws IOException {
        var answer = read("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
                + "{\"id\":\"r\"}\nnext answer");
        assertEquals(201, answer.status());
        assertEquals("{\"id\":\"r\"}\n", answer.body());
    }

    @Test
    void readsAChunkedBodyWithExtensionsAndTrailers() throws IOException {
        var answer = read("HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n"
                + "4;x=y\r\nab\u00e9\r\n3\r\ndef\r\n0\r\nX-Trailer: 1\r\n\r\n");
        assertEquals(200, answer.status());
        assertEquals("ab\u00e9def", answer.body());
    }

    @Test
    void readsToTheEndWithoutALength() throws IOException {
        var answer = read("HTTP/1.0 403 Forbidden\nContent-Type: application/problem+json\n\n{\"detail\":\"no\"}");
        assertEquals(403, answer.status());
        assertEquals("{\"detail\":\"no\"}", answer.body());
    }

    @Test
    void refusesWhatIsNotAnAnswer() {
        assertThrows(IOException.class, () -> read("SSH-2.0-OpenSSH\r\n\r\n"));
        assertThrows(IOException.class, () -> read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"));
        assertThrows(IOException.class, () -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"));
        assertThrows(IOException.class, () -> read(""));
    }
}
