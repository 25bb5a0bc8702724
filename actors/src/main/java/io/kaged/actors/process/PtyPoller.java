package io.kaged.actors.process;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that reads the master side of every live pty, instead of a thread per pty: it waits in one
 * {@code poll(2)} over all of them and a wake-up pipe, reads whichever is readable and offers the bytes to
 * that pty's {@link ProcessOutput}. A receiver that is behind gets its pty left out of the poll until it
 * calls back, so the pty fills and its process waits, while the other ptys go on. Adding a pty and a
 * receiver's call-back are queued and the pipe wakes the poll.
 *
 * <p>A pty ends when its read says so (end of file, EIO once every slave side is closed, or the descriptor
 * is invalid). Its master is closed then, and its child is reaped after that ({@code waitpid} without
 * waiting), so an exit always follows all of the output: at once if the child is gone, else tried again
 * after 1, 2, 4 ... ms (up to a second) until it is. No thread waits for any child.
 *
 * <p>Calls go through JNA direct mappings into memory allocated once: pty4j's own input stream builds a
 * JNA structure for its poll on every read, which doubled the reading CPU at ~4 KiB per read. Not for use
 * outside {@link PtyLauncher}; every method but the constructor is safe from any thread.
 */
final class PtyPoller implements AutoCloseable {

    /** A pty to read: the child on its other side, and where its output goes. */
    record Source(PtyChild child, ProcessOutput sink) {}

    private static final Logger log = LoggerFactory.getLogger(PtyPoller.class);

    private static final short POLLIN = 0x1;
    private static final short POLLNVAL = 0x20;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int POLLFD_BYTES = 8; // struct pollfd { int fd; short events; short revents; }
    private static final int MAX_EXIT_CHECK_MS = 1000;

    static {
        Native.register(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private static native int poll(Pointer fds, int nfds, int timeoutMs) throws LastErrorException;

    private static native long read(int fd, Pointer buffer, long count) throws LastErrorException;

    private static native long write(int fd, Pointer buffer, long count) throws LastErrorException;

    private static native int pipe(int[] fds) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;

    /** A pty as the poller thread keeps it; touched by that thread only. */
    private static final class Tracked {
        final Source source;
        boolean paused;
        boolean ended;
        long exitCheckAt;
        int exitCheckMs = 1;

        Tracked(Source source) {
            this.source = source;
        }
    }

    private final Thread thread;
    private final int readBufferBytes;
    private final Memory readBuffer;
    private final int wakeRead;
    private final int wakeWrite;
    private final Memory wakeByte = new Memory(64);
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private volatile boolean stopping;
    private volatile int size;

    // The poller thread's own state.
    private final List<Tracked> ptys = new ArrayList<>();
    private Tracked[] polled = new Tracked[0];
    private Memory pollfds = new Memory(POLLFD_BYTES * 16L);
    private byte[] revents = new byte[POLLFD_BYTES * 16];
    private int pollCount;
    private boolean setChanged = true;

    PtyPoller(int readBufferBytes, String threadName) {
        this.readBufferBytes = readBufferBytes;
        this.readBuffer = new Memory(readBufferBytes);
        int[] fds = new int[2];
        try {
            pipe(fds);
        } catch (LastErrorException e) {
            throw new IllegalStateException("no pipe to wake the pty poller: " + e.getMessage(), e);
        }
        this.wakeRead = fds[0];
        this.wakeWrite = fds[1];
        this.thread = new Thread(this::loop, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Reads {@code source} from now on until it ends, then reports its process's exit. */
    void add(Source source) {
        commands.add(() -> {
            ptys.add(new Tracked(source));
            setChanged = true;
        });
        wake();
    }

    /** The number of ptys being read or waiting for their process's exit (for tests). */
    int size() {
        return size;
    }

    /**
     * Stops reading: every pty's master is closed and no exit is reported any more; children still
     * running are reaped once they end.
     */
    @Override
    public void close() {
        stopping = true;
        wake();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void wake() {
        if (wakePending.compareAndSet(false, true)) {
            try {
                write(wakeWrite, wakeByte, 1);
            } catch (LastErrorException e) {
                wakePending.set(false);
                log.warn("could not wake the pty poller: {}", e.getMessage());
            }
        }
    }

    private void loop() {
        while (!stopping) {
            try {
                Runnable command;
                while ((command = commands.poll()) != null) {
                    command.run();
                }
                if (stopping) {
                    break;
                }
                pollOnce();
                reportExits();
                size = ptys.size();
            } catch (RuntimeException e) {
                log.error("the pty poller failed and goes on", e);
            }
        }
        List<PtyChild> left = new ArrayList<>();
        for (Tracked t : ptys) {
            closeMaster(t);
            left.add(t.source.child());
        }
        ptys.clear();
        reapAfterClose(left);
        closeQuietly(wakeRead);
        closeQuietly(wakeWrite);
    }

    private void pollOnce() {
        if (setChanged) {
            buildPollSet();
        }
        int ready;
        try {
            ready = poll(pollfds, pollCount, nextExitCheckMs());
        } catch (LastErrorException e) {
            if (e.getErrorCode() != EINTR) {
                log.error("poll over {} ptys failed: {}", pollCount - 1, e.getMessage());
                sleepAfterFailure();
            }
            return;
        }
        if (ready <= 0) {
            return;
        }
        pollfds.read(0, revents, 0, pollCount * POLLFD_BYTES);
        if (revents(0) != 0) {
            wakePending.set(false);
            try {
                read(wakeRead, wakeByte, wakeByte.size());
            } catch (LastErrorException e) {
                log.trace("wake pipe read: {}", e.getMessage());
            }
        }
        for (int i = 1; i < pollCount; i++) {
            short r = revents(i);
            if (r != 0) {
                readFrom(polled[i], r);
            }
        }
    }

    /** Slot 0 is the wake pipe; then every pty that is neither paused nor ended. */
    private void buildPollSet() {
        List<Tracked> live = new ArrayList<>();
        for (Tracked t : ptys) {
            if (!t.paused && !t.ended) {
                live.add(t);
            }
        }
        pollCount = live.size() + 1;
        if (pollfds.size() < (long) pollCount * POLLFD_BYTES) {
            pollfds = new Memory((long) pollCount * 2 * POLLFD_BYTES);
            revents = new byte[pollCount * 2 * POLLFD_BYTES];
        }
        polled = new Tracked[pollCount];
        pollfds.setInt(0, wakeRead);
        pollfds.setShort(4, POLLIN);
        for (int i = 1; i < pollCount; i++) {
            polled[i] = live.get(i - 1);
            pollfds.setInt((long) i * POLLFD_BYTES, polled[i].source.child().masterFd());
            pollfds.setShort((long) i * POLLFD_BYTES + 4, POLLIN);
        }
        setChanged = false;
    }

    private short revents(int slot) {
        int at = slot * POLLFD_BYTES + 6; // little-endian short, as on every platform kaged runs on
        return (short) ((revents[at] & 0xff) | (revents[at + 1] << 8));
    }

    /** One read from a pty that poll found readable, hung up or in error: the read says which. */
    private void readFrom(Tracked t, short revents) {
        if ((revents & POLLNVAL) != 0) {
            end(t);
            return;
        }
        long n;
        try {
            n = read(t.source.child().masterFd(), readBuffer, readBufferBytes);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EINTR || e.getErrorCode() == EAGAIN) {
                return;
            }
            // EIO once the child side is closed: the normal end of a pty's output.
            end(t);
            return;
        }
        if (n <= 0) {
            end(t);
            return;
        }
        byte[] chunk = readBuffer.getByteArray(0, (int) n);
        boolean more;
        try {
            more = t.source.sink().offer(chunk, () -> resume(t));
        } catch (RuntimeException e) {
            log.error(
                    "the receiver of pty {}'s output failed; it is no longer read",
                    t.source.child().pid(),
                    e);
            closeMaster(t);
            ptys.remove(t);
            setChanged = true;
            return;
        }
        if (!more) {
            t.paused = true;
            setChanged = true;
        }
    }

    private void resume(Tracked t) {
        commands.add(() -> {
            t.paused = false;
            setChanged = true;
        });
        wake();
    }

    private void end(Tracked t) {
        t.ended = true;
        t.exitCheckAt = System.nanoTime();
        setChanged = true;
        closeMaster(t);
    }

    /** Reports the exit of every ended pty whose process is gone; looks again later for the others. */
    private void reportExits() {
        long now = System.nanoTime();
        for (int i = 0; i < ptys.size(); i++) {
            Tracked t = ptys.get(i);
            if (!t.ended || t.exitCheckAt - now > 0) {
                continue;
            }
            OptionalInt exit = t.source.child().reap();
            if (exit.isEmpty()) {
                t.exitCheckAt = now + TimeUnit.MILLISECONDS.toNanos(t.exitCheckMs);
                t.exitCheckMs = Math.min(t.exitCheckMs * 2, MAX_EXIT_CHECK_MS);
                continue;
            }
            ptys.remove(i--);
            try {
                t.source.sink().exited(exit.getAsInt());
            } catch (RuntimeException e) {
                log.error("the receiver of {}'s exit failed", t.source.child().pid(), e);
            }
        }
    }

    /** How long poll may wait: until the next exit check is due, or without end if none is. */
    private int nextExitCheckMs() {
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        for (Tracked t : ptys) {
            if (t.ended) {
                next = Math.min(next, Math.max(0, t.exitCheckAt - now));
            }
        }
        return next == Long.MAX_VALUE ? -1 : (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(next));
    }

    /**
     * Children still there when the launcher closes get SIGHUP from their closed pty and end; a short-lived
     * thread reaps them, so that none is left a zombie while this JVM runs on (as in tests).
     */
    private static void reapAfterClose(List<PtyChild> children) {
        children.removeIf(c -> c.reap().isPresent());
        if (children.isEmpty()) {
            return;
        }
        Thread reaper = new Thread(
                () -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (!children.isEmpty() && System.nanoTime() - deadline < 0) {
                        sleepMillis(20);
                        children.removeIf(c -> c.reap().isPresent());
                    }
                    if (!children.isEmpty()) {
                        log.warn("{} pty children outlived their closed ptys by 30 s; not reaped", children.size());
                    }
                },
                "kaged-pty-reaper");
        reaper.setDaemon(true);
        reaper.start();
    }

    private static void closeMaster(Tracked t) {
        try {
            t.source.child().closeMaster();
        } catch (IOException | RuntimeException e) {
            log.trace("closing the pty of {}: {}", t.source.child().pid(), e.getMessage());
        }
    }

    private static void closeQuietly(int fd) {
        try {
            close(fd);
        } catch (LastErrorException e) {
            log.trace("closing {}: {}", fd, e.getMessage());
        }
    }

    private static void sleepAfterFailure() {
        sleepMillis(100);
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
