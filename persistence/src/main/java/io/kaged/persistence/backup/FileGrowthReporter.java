package io.kaged.persistence.backup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reports, once a second, how much of a copy is written, while a single blocking call (VACUUM INTO,
 * pg_dump) writes it: the only progress those calls can give.
 */
final class FileGrowthReporter implements AutoCloseable {

    private final ScheduledExecutorService timer;

    FileGrowthReporter(Path file, long expectedBytes, Progress progress) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kaged-backup-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(
                () -> {
                    long written = file.toFile().length();
                    progress.report("  " + Sizes.human(written) + " written"
                            + (expectedBytes > 0 ? " of about " + Sizes.human(expectedBytes) : ""));
                },
                1,
                1,
                TimeUnit.SECONDS);
    }

    static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
