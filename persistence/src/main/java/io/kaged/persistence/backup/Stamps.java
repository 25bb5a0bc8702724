package io.kaged.persistence.backup;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The UTC time stamp in backup and kept-aside file names: sortable, no characters a shell minds. */
final class Stamps {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private Stamps() {}

    static String of(Instant instant) {
        return FORMAT.format(instant);
    }
}
