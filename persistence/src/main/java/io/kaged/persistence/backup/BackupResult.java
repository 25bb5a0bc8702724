package io.kaged.persistence.backup;

import java.nio.file.Path;
import java.time.Duration;

/** What {@code kaged backup} made: where, how big, how long it took and how it was verified. */
public record BackupResult(Path file, long bytes, Duration took, String verification) {}
