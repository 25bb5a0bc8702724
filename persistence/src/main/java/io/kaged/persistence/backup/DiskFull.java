package io.kaged.persistence.backup;

import io.kaged.persistence.store.Engine;
import io.kaged.persistence.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a copy that failed for want of room into the one line an operator needs: which disk is full and
 * what to do. SQLite says SQLITE_FULL, pg_dump and the JDK say "No space left on device"; neither says
 * where, so the disks the copy touched are measured, the target's first, before its partial file is
 * deleted (which frees the room again).
 */
final class DiskFull {

    /** Below this many free bytes a disk counts as full: no copy of a store fits in less. */
    static final long FULL_BELOW = 1024 * 1024;

    private DiskFull() {}

    static Optional<BackupException> explain(BackupException failure, Path target, Store store) {
        if (!saysFull(failure)) {
            return Optional.empty();
        }
        List<Path> disks = new ArrayList<>();
        disks.add(target.getParent());
        if (store.engine() == Engine.SQLITE && store.target().sqliteFile() != null) {
            disks.add(store.target().sqliteFile().getParent());
        }
        disks.add(Path.of(System.getProperty("java.io.tmpdir")));
        for (Path dir : disks) {
            long free = usable(dir);
            if (free >= 0 && free < FULL_BELOW) {
                return Optional.of(new BackupException(
                        "the disk holding " + dir + " is full (" + Sizes.human(free) + " free), so no backup was"
                                + " made: free some space there, or choose a disk with room using --to.",
                        failure));
            }
        }
        // pg_dump's output may run over several lines; its first names the error.
        String said = failure.getMessage().lines().findFirst().orElse("").strip();
        return Optional.of(new BackupException(
                "a disk ran full while the copy was made, so no backup was made (" + said
                        + "): free some space, or choose a disk with room using --to.",
                failure));
    }

    private static boolean saysFull(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("sqlite_full")
                    || message.contains("database or disk is full")
                    || message.contains("no space left on device")) {
                return true;
            }
        }
        return false;
    }

    /** Free bytes on the disk of {@code dir}, or of its nearest existing parent; -1 if none can be read. */
    private static long usable(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                try {
                    return Files.getFileStore(p).getUsableSpace();
                } catch (IOException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
