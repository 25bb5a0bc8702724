package io.kaged.persistence.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real, small disk for one test: a tmpfs of a few MiB mounted on a fresh folder, which the test can
 * fill to the last byte, so that SQLite, pg_dump and the JDK meet ENOSPC as they would on a full disk.
 *
 * <p>Mounting needs root (CAP_SYS_ADMIN). Where it is impossible the test is skipped, and says so on
 * standard error as well as in the skip reason, so that a run without the fault tests cannot pass for one
 * with them.
 */
public final class SmallDisk implements AutoCloseable {

    private final Path mountPoint;
    private Path filler;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code bytes} on a new folder under {@code parent}, or skips the test loudly. */
    public static SmallDisk mount(Path parent, long bytes) {
        Path dir = parent.resolve("small-disk");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String failure =
                run(List.of("mount", "-t", "tmpfs", "-o", "size=" + bytes + ",mode=0700", "tmpfs", dir.toString()));
        if (failure != null) {
            String message = "SKIPPED: this full-disk test needs to mount a tmpfs (root or CAP_SYS_ADMIN), and"
                    + " mounting failed: " + failure;
            System.err.println("!!! " + message);
            assumeTrue(false, message);
        }
        return new SmallDisk(dir);
    }

    public Path path() {
        return mountPoint;
    }

    /** Fills every byte left with one file; {@link #free()} deletes it. */
    public void fill() {
        filler = mountPoint.resolve("filler");
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int size = chunk.length; size >= 1; size /= 2) {
                try {
                    while (true) {
                        out.write(chunk, 0, size);
                        out.flush();
                    }
                } catch (IOException full) {
                    // ENOSPC for this size: go on with smaller writes until not one byte fits
                }
            }
        } catch (IOException closing) {
            // the last buffered bytes found no room either; the disk is full, which is the point
        }
    }

    /** The bytes still free on the disk. */
    public long usable() {
        try {
            return Files.getFileStore(mountPoint).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void free() {
        try {
            Files.deleteIfExists(filler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unmounts; lazily if a file on it is still open, so a failed test never leaves a mount behind busy. */
    @Override
    public void close() {
        if (run(List.of("umount", mountPoint.toString())) != null) {
            String failure = run(List.of("umount", "-l", mountPoint.toString()));
            if (failure != null) {
                throw new IllegalStateException("cannot unmount " + mountPoint + ": " + failure);
            }
        }
    }

    /** Runs a command; null when it succeeded, else what it said. */
    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", command) + " did not finish in 30 s";
            }
            return p.exitValue() == 0 ? null : String.join(" ", command) + " exited " + p.exitValue() + ": " + output;
        } catch (IOException e) {
            return "cannot run " + command.get(0) + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
