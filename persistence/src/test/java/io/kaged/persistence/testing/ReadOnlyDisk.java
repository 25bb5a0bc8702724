package io.kaged.persistence.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real disk that turns read-only under a running test, as a server's disk does when the kernel meets
 * an I/O error: an ext4 file system in an image on a loop device, mounted {@code errors=remount-ro}, on
 * which {@link #failReadOnly()} raises a file-system error through ext4's own {@code trigger_fs_error}.
 * The kernel then aborts the journal and makes the mount read-only with files still open for writing,
 * so every write on it fails with EROFS.
 *
 * <p>A plain {@code mount -o remount,ro} cannot do this: Linux refuses it (EBUSY) while any file on the
 * mount is open for writing, which a live store always has. Neither can it be undone in place: a mount
 * the kernel made read-only this way is not made writable by {@code remount,rw}; the operator repairs it
 * (unmount, {@code e2fsck}, mount), which {@link #repair()} does once the files on it are closed.
 *
 * <p>Mounting needs root and loop devices. Where it is impossible the test is skipped, and says so on
 * standard error as well as in the skip reason, so a run without this test cannot pass for one with it.
 */
public final class ReadOnlyDisk implements AutoCloseable {

    private final Path image;
    private final Path mountPoint;
    private String device;

    private ReadOnlyDisk(Path image, Path mountPoint) {
        this.image = image;
        this.mountPoint = mountPoint;
    }

    /** An ext4 file system of {@code bytes} mounted on a new folder under {@code parent}, or a loud skip. */
    public static ReadOnlyDisk mount(Path parent, long bytes) {
        Path image = parent.resolve("ro-disk.img");
        Path dir = parent.resolve("ro-disk");
        try {
            Files.createDirectories(dir);
            try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
                f.setLength(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ReadOnlyDisk disk = new ReadOnlyDisk(image, dir);
        String failure = run(List.of("mkfs.ext4", "-q", "-F", image.toString()));
        if (failure == null) {
            failure = disk.mountImage();
        }
        if (failure != null) {
            skip(failure);
        }
        return disk;
    }

    private String mountImage() {
        String failure = run(List.of(
                "mount", "-t", "ext4", "-o", "loop,errors=remount-ro", image.toString(), mountPoint.toString()));
        if (failure != null) {
            return failure;
        }
        device = output(List.of("findmnt", "-n", "-o", "SOURCE", mountPoint.toString()));
        return device == null || !device.startsWith("/dev/") ? "no loop device found for " + mountPoint : null;
    }

    private static void skip(String failure) {
        String message = "SKIPPED: this read-only-disk test needs to mount an ext4 image on a loop device (root,"
                + " loop devices), and that failed: " + failure;
        System.err.println("!!! " + message);
        assumeTrue(false, message);
    }

    public Path path() {
        return mountPoint;
    }

    /** The kernel meets a file-system error and makes the mount read-only, files open on it or not. */
    public void failReadOnly() {
        Path trigger = Path.of("/sys/fs/ext4", Path.of(device).getFileName().toString(), "trigger_fs_error");
        try {
            Files.writeString(trigger, "a test made the disk read-only\n");
        } catch (IOException e) {
            throw new IllegalStateException("cannot raise an ext4 error through " + trigger + ": " + e, e);
        }
        if (!readOnly()) {
            throw new IllegalStateException(mountPoint + " is still writable after an ext4 error: " + options());
        }
    }

    /** Whether the mount is read-only now. */
    public boolean readOnly() {
        return List.of(options().split(",")).contains("ro") || options().contains("emergency_ro");
    }

    private String options() {
        String o = output(List.of("findmnt", "-n", "-o", "OPTIONS", mountPoint.toString()));
        return o == null ? "" : o;
    }

    /**
     * What the operator does once the store is closed: unmount, check the file system, mount it again.
     * Fails if a file on it is still open (the unmount is then busy).
     */
    public void repair() {
        // Rarely (about once in ten suites) the mount that comes back is still the errored, read-only one: the
        // kernel kept the old superblock a moment longer, as when another test's sandbox namespace still held
        // a copy of the mount. The operator would repair again; so does this, and says so.
        for (int attempt = 1; ; attempt++) {
            repairOnce();
            if (!readOnly()) {
                return;
            }
            String state = "mount options " + options() + ", source " + device;
            if (attempt == 3) {
                throw new IllegalStateException(mountPoint + " is still read-only after 3 repairs: " + state);
            }
            System.err.println("!!! " + mountPoint + " came back read-only (" + state + "); repairing again");
            try {
                Thread.sleep(500L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while repairing " + mountPoint, e);
            }
        }
    }

    private void repairOnce() {
        String failure = run(List.of("umount", mountPoint.toString()));
        if (failure != null) {
            throw new IllegalStateException("cannot unmount " + mountPoint + " to repair it: " + failure);
        }
        device = null;
        // e2fsck exits 1 when it corrected something, which after an aborted journal it does
        String check = run(List.of("e2fsck", "-f", "-y", image.toString()));
        if (check != null && !check.contains("exited 1:")) {
            throw new IllegalStateException("e2fsck failed on " + image + ": " + check);
        }
        failure = mountImage();
        if (failure != null) {
            throw new IllegalStateException("cannot mount " + image + " again: " + failure);
        }
    }

    /** Unmounts (lazily if a file on it is still open) and deletes the image. */
    @Override
    public void close() {
        if (device != null && run(List.of("umount", mountPoint.toString())) != null) {
            String failure = run(List.of("umount", "-l", mountPoint.toString()));
            if (failure != null) {
                throw new IllegalStateException("cannot unmount " + mountPoint + ": " + failure);
            }
        }
        try {
            Files.deleteIfExists(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String output(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Runs a command; null when it succeeded, else what it said. */
    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", command) + " did not finish in 60 s";
            }
            return p.exitValue() == 0 ? null : String.join(" ", command) + " exited " + p.exitValue() + ": " + out;
        } catch (IOException e) {
            return "cannot run " + command.get(0) + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
