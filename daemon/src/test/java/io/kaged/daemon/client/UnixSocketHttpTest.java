package io.kaged.daemon.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void sendsTheRequestWithItsLengthAndTokenAndReadsTheAnswer(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("api.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel client = server.accept()) {
                    var in = new java.io.BufferedReader(
                            new java.io.InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
                    StringBuilder head = new StringBuilder();
                    for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
                        head.append(line).append('\n');
                    }
                    char[] body = new char[9];
                    int n = in.read(body);
                    Channels.newOutputStream(client)
                            .write(("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
                                            + "3\r\n{\"a\r\n3\r\n\":1\r\n1\r\n}\r\n0\r\n\r\n")
                                    .getBytes(StandardCharsets.UTF_8));
                    return head + new String(body, 0, n);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            var answer = new UnixSocketHttp(path).exchange("POST", "/v1/runs", "tok", "{\"x\":\"\u00e9\"}");
            assertEquals(201, answer.status());
            assertEquals("{\"a\":1}", answer.body());
            String sent = request.get(10, TimeUnit.SECONDS);
            assertTrue(sent.startsWith("POST /v1/runs HTTP/1.1\n"), sent);
            assertTrue(sent.contains("Authorization: Bearer tok\n"), sent);
            assertTrue(sent.contains("Content-Length: 10\n"), "9 characters, 10 bytes of UTF-8: " + sent);
            assertTrue(sent.endsWith("\n{\"x\":\"\u00e9\"}"), sent);
        }
    }

    @Test
    void aDaemonThatDoesNotAnswerIsGivenUpOn(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("api.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            IOException e = assertThrows(IOException.class, () -> new UnixSocketHttp(path, Duration.ofMillis(300))
                    .exchange("GET", "/v1/runs", "t", null));
            assertTrue(e.getMessage().contains("no answer within 300 ms"), e.toString());
        }
    }
}
