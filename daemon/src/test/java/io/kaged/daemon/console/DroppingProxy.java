package io.kaged.daemon.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between the browser and the daemon whose connections the test can cut, as a network drop or
 * a laptop's sleep would: the browser sees its sockets die, the daemon sees clients vanish. It notes the first
 * line of every request it relays, so a test can see what a client asked for when it came back.
 */
final class DroppingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private volatile boolean down;

    DroppingProxy(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "dropping-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** The first line of every request relayed so far (a connection's later requests included). */
    List<String> requestLines() {
        return new ArrayList<>(requestLines);
    }

    /** Cuts every open connection and refuses new ones until {@link #up()}: the network is gone. */
    void down() {
        down = true;
        drop();
    }

    void up() {
        down = false;
    }

    /** Cuts every connection now open, both ways. */
    void drop() {
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
        open.clear();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (down) {
                    client.close();
                    continue;
                }
                Socket daemon = new Socket(InetAddress.getLoopbackAddress(), target);
                open.add(client);
                open.add(daemon);
                pump(client, daemon, true);
                pump(daemon, client, false);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean requests) {
        Thread t = new Thread(
                () -> {
                    byte[] buffer = new byte[16384];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buffer)) > 0) {
                            if (requests) {
                                noteRequestLine(buffer, n);
                            }
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException ignored) {
                        // the other side or drop() closed it
                    } finally {
                        try {
                            to.close();
                            from.close();
                        } catch (IOException ignored) {
                            // closing anyway
                        }
                    }
                },
                "dropping-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** A chunk that starts with a method is a request's head (the console's requests are small). */
    private void noteRequestLine(byte[] buffer, int n) {
        String head = new String(buffer, 0, Math.min(n, 512), StandardCharsets.ISO_8859_1);
        if (head.matches("(?s)^(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) \\S+ HTTP/1\\.1\r\n.*")) {
            requestLines.add(head.substring(0, head.indexOf("\r\n")));
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        drop();
    }
}
