package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaged.daemon.client.DaemonClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kaged session attach ID}: puts the terminal in raw mode, shows the scrollback, then is live;
 * forwards window size changes; {@value #DETACH_NAME} detaches and leaves the session running (like
 * telnet's escape; tmux's prefix would collide with tmux inside the session).
 */
@Command(
        name = "attach",
        description = "Attach to a session: scrollback, then live. Ctrl-] detaches; the session keeps running.")
public final class SessionAttachCommand implements Callable<Integer> {

    static final byte DETACH = 0x1d;
    static final String DETACH_NAME = "Ctrl-]";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Option(
            names = {"-r", "--read-only"},
            description = "Watch only: see everything, type nothing.")
    boolean readOnly;

    @Parameters(paramLabel = "SESSION", description = "Id, unique id prefix, or name.")
    String session;

    @Override
    public Integer call() throws Exception {
        DaemonClient client = options.client();
        return attach(spec, client, SessionCommand.resolve(client, session), readOnly);
    }

    int attach(CommandSpec spec, DaemonClient client, String id, boolean readOnly) throws IOException {
        PrintWriter notices = spec.commandLine().getErr();
        if (System.console() == null) {
            // Not a terminal (piped input, scripts): no raw mode, plain streams.
            return attachPlain(client, id, readOnly, System.in, System.out, notices);
        }
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            CompletableFuture<String> ended = new CompletableFuture<>();
            WebSocket ws = client.attach(id, readOnly, new Listener(terminal.output(), ended));
            notices.println(banner(id, readOnly) + "; " + DETACH_NAME + " detaches]");
            Attributes saved = terminal.enterRawMode();
            try {
                if (!readOnly) {
                    sendSize(ws, terminal);
                    terminal.handle(Terminal.Signal.WINCH, signal -> sendSize(ws, terminal));
                }
                ws.request(1);
                return session(notices, ws, terminal.input(), terminal.output(), true, readOnly, ended);
            } finally {
                terminal.setAttributes(saved);
            }
        }
    }

    /**
     * Attaches without a terminal: keys from {@code keys} until it ends, output to {@code screen}, notices
     * to {@code notices}. The banner comes before the first byte of scrollback.
     */
    int attachPlain(
            DaemonClient client,
            String id,
            boolean readOnly,
            InputStream keys,
            OutputStream screen,
            PrintWriter notices) {
        CompletableFuture<String> ended = new CompletableFuture<>();
        WebSocket ws = client.attach(id, readOnly, new Listener(screen, ended));
        notices.println(banner(id, readOnly) + "]");
        ws.request(1);
        return session(notices, ws, keys, screen, false, readOnly, ended);
    }

    private static String banner(String id, boolean readOnly) {
        return "[kaged: attached to " + id + (readOnly ? " read-only" : "");
    }

    private static int session(
            PrintWriter notices,
            WebSocket ws,
            InputStream keys,
            OutputStream screen,
            boolean interactive,
            boolean readOnly,
            CompletableFuture<String> ended) {
        Thread reader = new Thread(() -> forwardKeys(keys, ws, readOnly, interactive, ended), "kaged-keys");
        reader.setDaemon(true);
        reader.start();
        String why = ended.join();
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "detach");
        try {
            screen.flush();
        } catch (IOException ignored) {
            // the screen is gone; the notice below still goes to the error stream
        }
        notices.println("\r\n[kaged: " + why + "]");
        return 0;
    }

    private static void sendSize(WebSocket ws, Terminal terminal) {
        ws.sendText(
                "{\"type\":\"resize\",\"cols\":" + terminal.getWidth() + ",\"rows\":" + terminal.getHeight() + "}",
                true);
    }

    private static void forwardKeys(
            InputStream in, WebSocket ws, boolean readOnly, boolean interactive, CompletableFuture<String> ended) {
        byte[] buffer = new byte[4096];
        try {
            int n;
            while (!ended.isDone() && (n = in.read(buffer)) >= 0) {
                int detach = indexOf(buffer, n, DETACH);
                int send = detach >= 0 ? detach : n;
                if (!readOnly && send > 0) {
                    ws.sendBinary(ByteBuffer.wrap(Arrays.copyOf(buffer, send)), true)
                            .join();
                }
                if (detach >= 0) {
                    ended.complete("detached; the session keeps running");
                    return;
                }
            }
            if (!interactive) {
                // Input was piped: let the session answer it before leaving.
                Thread.sleep(1000);
            }
            ended.complete("input ended; detached, the session keeps running");
        } catch (IOException | InterruptedException | java.util.concurrent.CompletionException e) {
            ended.complete("detached (" + e + ")");
        }
    }

    private static int indexOf(byte[] b, int n, byte x) {
        for (int i = 0; i < n; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    /** Writes output to the screen and turns the daemon's notices into the reason the attach ended. */
    private record Listener(OutputStream screen, CompletableFuture<String> ended) implements WebSocket.Listener {

        /**
         * Requests nothing yet: the first message is requested once the attach banner is printed, so the
         * scrollback never overtakes it.
         */
        @Override
        public void onOpen(WebSocket ws) {}

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            try {
                screen.write(bytes);
                screen.flush();
            } catch (IOException e) {
                ended.complete("the terminal closed");
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence text, boolean last) {
            try {
                JsonNode notice = JSON.readTree(text.toString());
                String type = notice.path("type").asText();
                if (type.equals("end") || type.equals("dropped")) {
                    ended.complete(notice.path("reason").asText(type));
                }
            } catch (IOException ignored) {
                // not a notice kaged sends; nothing to show
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            ended.complete("the daemon closed the connection" + (reason.isEmpty() ? "" : ": " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            ended.complete("connection lost: " + error.getMessage());
        }
    }
}
