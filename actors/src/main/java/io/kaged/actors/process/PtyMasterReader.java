package io.kaged.actors.process;

import com.pty4j.unix.CLibrary;
import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * Reads a pty's master side with two plain system calls per read: {@code poll} through a JNA direct
 * mapping on a {@code pollfd} allocated once, then pty4j's {@code read}. pty4j's own input stream builds a
 * JNA structure for its poll on every read; at ~4 KiB per pty read that doubled the reader thread's CPU
 * (2.2 s against 1.1 s for 200 MiB of {@code cat}, docs/benchmarks.md), CPU that the process, the session
 * and the store compete for on a small host.
 *
 * <p>The poll has a timeout so that a reader whose thread was interrupted (the launcher closing) stops
 * even if some process outside the session's group still holds the pty open.
 */
final class PtyMasterReader {

    private static final short POLLIN = 0x1;
    private static final short POLLNVAL = 0x20;
    private static final int EINTR = 4;
    private static final int POLL_TIMEOUT_MS = 500;

    static {
        Native.register(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private static native int poll(Pointer fds, int nfds, int timeoutMs) throws LastErrorException;

    private final int fd;
    private final Memory pollfd = new Memory(8); // struct pollfd { int fd; short events; short revents; }

    PtyMasterReader(int fd) {
        this.fd = fd;
        pollfd.setInt(0, fd);
        pollfd.setShort(4, POLLIN);
    }

    /**
     * Waits for output and reads it into {@code buffer}: the number of bytes, or -1 once the pty has no
     * more (every slave side closed, or the descriptor closed).
     */
    int read(byte[] buffer) throws InterruptedException {
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException("pty reader stopped");
            }
            pollfd.setShort(6, (short) 0);
            int ready;
            try {
                ready = poll(pollfd, 1, POLL_TIMEOUT_MS);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EINTR) {
                    continue;
                }
                return -1;
            }
            if (ready <= 0) {
                continue;
            }
            if ((pollfd.getShort(6) & POLLNVAL) != 0) {
                return -1;
            }
            // Readable, hung up or in error: read says which (EIO once the child side is closed).
            int n = CLibrary.read(fd, buffer, buffer.length);
            if (n > 0) {
                return n;
            }
            if (n < 0 && CLibrary.errno() == EINTR) {
                continue;
            }
            return -1;
        }
    }
}
