package io.kaged.daemon.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 exchange over a Unix socket ({@code $KAGED_SOCKET} in a sandbox without network, ADR-0072):
 * Java's {@code HttpClient} speaks TCP only. A request carries its body with a Content-Length and asks
 * {@code Connection: close}; the answer is read by Content-Length, chunked, or to the end of the stream.
 * Enough for kaged's own JSON API, not a general client: no redirects, no keep-alive, no TLS.
 */
final class UnixSocketHttp {

    /** The longest header block read before giving up: kaged's answers carry a few short headers. */
    private static final int MAX_HEAD = 64 * 1024;

    /** As long as an answer may take, like the TCP client's time-out. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    record Answer(int status, String body) {}

    private final Path socket;
    private final Duration timeout;

    UnixSocketHttp(Path socket) {
        this(socket, TIMEOUT);
    }

    UnixSocketHttp(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    Path socket() {
        return socket;
    }

    /** Sends {@code method path}, authorized by {@code token}, with {@code body} as JSON (null for none). */
    Answer exchange(String method, String path, String token, String body) throws IOException {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder()
                .append(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\n")
                .append("Host: localhost\r\n")
                .append("Authorization: Bearer ")
                .append(token)
                .append("\r\n")
                .append("Connection: close\r\n");
        if (body != null || !method.equals("GET") && !method.equals("DELETE")) {
            head.append("Content-Type: application/json\r\n")
                    .append("Content-Length: ")
                    .append(content.length)
                    .append("\r\n");
        }
        head.append("\r\n");
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // a channel has no read time-out: closing it ends a read that waits too long, as HttpClient's would
            CompletableFuture<Void> deadline = CompletableFuture.runAsync(
                    () -> closeQuietly(channel),
                    CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS));
            try {
                return exchange(channel, head.toString(), content);
            } catch (AsynchronousCloseException e) {
                throw new IOException("no answer within " + timeout.toMillis() + " ms", e);
            } finally {
                deadline.cancel(false);
            }
        }
    }

    private Answer exchange(SocketChannel channel, String head, byte[] content) throws IOException {
        channel.connect(UnixDomainSocketAddress.of(socket));
        OutputStream out = Channels.newOutputStream(channel);
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(content);
        out.flush();
        return read(new BufferedInputStream(Channels.newInputStream(channel)));
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // it was closing anyway
        }
    }

    /** Reads one answer from {@code in}: status line, headers, then the body as the headers say. */
    static Answer read(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP answer: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status: " + statusLine);
        }
        long length = -1;
        boolean chunked = false;
        int headBytes = statusLine.length();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            headBytes += header.length();
            if (headBytes > MAX_HEAD) {
                throw new IOException("the answer's headers are longer than " + MAX_HEAD + " bytes");
            }
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equals("transfer-encoding")) {
                chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
            }
        }
        byte[] body;
        if (chunked) {
            body = chunks(in);
        } else if (length >= 0) {
            body = in.readNBytes((int) length);
            if (body.length < length) {
                throw new IOException("the answer ended after " + body.length + " of " + length + " bytes");
            }
        } else {
            body = in.readAllBytes();
        }
        return new Answer(status, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] chunks(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int semicolon = size.indexOf(';');
            int n;
            try {
                n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("not a chunk size: " + size);
            }
            if (n == 0) {
                while (!line(in).isEmpty()) {
                    // trailers: none that kaged needs
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(n);
            if (chunk.length < n) {
                throw new IOException("the answer ended inside a chunk");
            }
            body.write(chunk);
            line(in);
        }
    }

    /** One line without its CRLF (or LF); an end of stream before any byte is an error. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            if (line.size() > MAX_HEAD) {
                throw new IOException("a line of the answer is longer than " + MAX_HEAD + " bytes");
            }
            line.write(b);
        }
        throw new IOException("the answer ended early");
    }
}
