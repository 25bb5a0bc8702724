package io.kaged.daemon.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A point in time on the command line ({@code --since}, {@code --until}): an ISO-8601 time
 * ({@code 2026-11-22T10:00:00Z}), a UTC date ({@code 2026-11-22}, its midnight) or an age before now
 * ({@code 90s}, {@code 30m}, {@code 2h}, {@code 7d}, {@code 2w}), the way journalctl and docker take them.
 */
final class TimeArg implements ITypeConverter<Instant> {

    private static final Pattern AGE = Pattern.compile("(\\d{1,9})([smhdw])");

    private final Clock clock;

    TimeArg() {
        this(Clock.systemUTC());
    }

    TimeArg(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Instant convert(String value) {
        Matcher age = AGE.matcher(value);
        if (age.matches()) {
            long n = Long.parseLong(age.group(1));
            Duration unit =
                    switch (age.group(2)) {
                        case "s" -> Duration.ofSeconds(1);
                        case "m" -> Duration.ofMinutes(1);
                        case "h" -> Duration.ofHours(1);
                        case "d" -> Duration.ofDays(1);
                        default -> Duration.ofDays(7);
                    };
            return clock.instant().minus(unit.multipliedBy(n));
        }
        try {
            return value.length() == 10
                    ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + value + "' is not a time: give 2026-11-22T10:00:00Z, a UTC date"
                    + " such as 2026-11-22, or an age such as 30m, 2h or 7d");
        }
    }
}
