package io.kaged.daemon.serve;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kaged's API on a Unix socket in its home ({@code api.sock}, 0600), for sandboxed processes without a
 * network: the sandbox binds the socket in, and each connection is relayed byte for byte to the HTTP port
 * on the loopback, so the API, its token checks and its audit are the same. A relay and not a second
 * server: Pekko HTTP binds TCP only.
 */
final class ApiSocket implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiSocket.class);

    /** The longest path a Unix socket address can hold on Linux (sun_path, with its NUL). */
    private static final int MAX_PATH_BYTES = 107;

    private final Path path;
    private final ServerSocketChannel server;
    private final ExecutorService threads;

    private ApiSocket(Path path, ServerSocketChannel server, ExecutorService threads) {
        this.path = path;
        this.server = server;
        this.threads = threads;
    }

    /** The socket of the home {@code home}. */
    static Path in(Path home) {
        return home.toAbsolutePath().normalize().resolve("api.sock");
    }

    /**
     * Listens on {@code path} and relays to {@code api}; null (logged) when the socket cannot be made, so
     * that network-less sandboxes go without the API rather than the daemon without a start.
     */
    static ApiSocket open(Path path, InetSocketAddress api) {
        if (path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            log.warn("No API socket for network-less sandboxes: {} is longer than a Unix socket path can be", path);
            return null;
        }
        try {
            Files.deleteIfExists(path);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            AtomicInteger n = new AtomicInteger();
            ExecutorService threads = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "kaged-api-socket-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            ApiSocket socket = new ApiSocket(path, server, threads);
            threads.execute(() -> socket.accept(api));
            return socket;
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("No API socket for network-less sandboxes: cannot listen on {}: {}", path, e.toString());
            return null;
        }
    }

    private void accept(InetSocketAddress api) {
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            threads.execute(() -> relay(client, api));
        }
    }

    private void relay(SocketChannel client, InetSocketAddress api) {
        try (client;
                SocketChannel tcp = SocketChannel.open(api)) {
            var back = threads.submit(() -> pump(tcp, client));
            pump(client, tcp);
            back.get();
        } catch (Exception e) {
            log.debug("API socket connection ended: {}", e.toString());
        }
    }

    /** Copies until {@code from} ends, then ends the writing side of {@code to}. */
    private static Void pump(SocketChannel from, SocketChannel to) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
        } finally {
            if (to.isOpen()) {
                to.shutdownOutput();
            }
        }
        return null;
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.debug("closing the API socket: {}", e.toString());
        }
        threads.shutdownNow();
    }
}
