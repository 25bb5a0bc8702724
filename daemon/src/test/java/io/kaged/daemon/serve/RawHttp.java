package io.kaged.daemon.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, for requests a well-behaved client will not send (a bad request line,
 * invalid UTF-8, a header of 100 KiB) and to see exactly what reaches the client: the whole request is
 * written before the answer is read, as simple clients do, so a server that answers early and resets the
 * connection shows up as a failed exchange.
 */
public final class RawHttp {

    /** What came back; {@code failure} set when the exchange broke (reset, closed with no answer). */
    public record Answer(int status, Map<String, String> headers, String body, String failure) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String mediaType() {
            String type = header("content-type");
            return type == null ? "" : type.split(";")[0].trim();
        }

        @Override
        public String toString() {
            return failure != null ? "no answer: " + failure : status + " " + mediaType() + " " + body;
        }
    }

    private RawHttp() {}

    /** A request with a body and a Content-Length; {@code token} null for none. */
    public static Answer send(int port, String method, String path, String token, byte[] body) {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (token != null) {
            head.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ")
                    .append(body.length)
                    .append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        byte[] start = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[start.length + (body == null ? 0 : body.length)];
        System.arraycopy(start, 0, all, 0, start.length);
        if (body != null) {
            System.arraycopy(body, 0, all, start.length, body.length);
        }
        return exchange(port, all);
    }

    /** Writes {@code request} whole, then reads the answer until the server closes the connection. */
    public static Answer exchange(int port, byte[] request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                return new Answer(0, Map.of(), "", "writing the request: " + e);
            }
            byte[] raw;
            try (InputStream in = socket.getInputStream()) {
                raw = readAnswer(in);
            } catch (IOException e) {
                return new Answer(0, Map.of(), "", "reading the answer: " + e);
            }
            return parse(raw);
        } catch (IOException e) {
            return new Answer(0, Map.of(), "", "connecting: " + e);
        }
    }

    /**
     * The head and, with a Content-Length, that many bytes of body (none for an event stream); else until
     * the server closes.
     */
    private static byte[] readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int headEnd = -1;
        long wanted = -1;
        byte[] chunk = new byte[8192];
        while (true) {
            if (headEnd >= 0 && wanted >= 0 && buf.size() >= headEnd + wanted) {
                return buf.toByteArray();
            }
            int n = in.read(chunk);
            if (n < 0) {
                return buf.toByteArray();
            }
            buf.write(chunk, 0, n);
            if (headEnd < 0) {
                String text = buf.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0) {
                    headEnd = end + 4;
                    for (String line : text.substring(0, end).split("\r\n")) {
                        String lower = line.toLowerCase(Locale.ROOT);
                        if (lower.startsWith("content-length:")) {
                            wanted = Long.parseLong(line.substring(15).trim());
                        }
                        if (lower.startsWith("content-type:") && lower.contains("text/event-stream")) {
                            wanted = 0; // an event stream may never end: its head is the answer
                        }
                    }
                }
            }
        }
    }

    private static Answer parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return new Answer(0, Map.of(), "", "the connection closed after " + raw.length + " bytes: '" + text + "'");
        }
        String[] lines = text.substring(0, end).split("\r\n");
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        return new Answer(status, headers, text.substring(end + 4), null);
    }
}
