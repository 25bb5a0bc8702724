package io.kaged.actors.retention;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/** {@code kaged.retention}, read once; see reference.conf. A bad value fails the start, naming its key. */
public record RetentionSettings(
        boolean enabled,
        Duration firstPassAfter,
        Duration interval,
        int batchSize,
        Duration batchTimeout,
        RetentionPolicy policy) {

    private static final String PATH = "kaged.retention";

    public static RetentionSettings fromConfig(Config config) {
        Config c = config.getConfig(PATH);
        RetentionSettings s = new RetentionSettings(
                c.getBoolean("enabled"),
                positive(c, "first-pass-after"),
                positive(c, "interval"),
                c.getInt("batch-size"),
                positive(c, "batch-timeout"),
                new RetentionPolicy(
                        ageOrOff(c, "runs.finished-older-than"),
                        ageOrOff(c, "sessions.ended-older-than"),
                        bytesOrOff(c, "transcripts.max-bytes-per-run")));
        if (s.batchSize < 1 || s.batchSize > 10_000) {
            throw new ConfigException.BadValue(PATH + ".batch-size", "must be from 1 to 10000, not " + s.batchSize);
        }
        return s;
    }

    private static Duration positive(Config c, String key) {
        Duration d = c.getDuration(key);
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException.BadValue(PATH + "." + key, "must be a positive duration such as 1h");
        }
        return d;
    }

    private static boolean off(Config c, String key) {
        return "off".equals(c.getValue(key).unwrapped());
    }

    private static Duration ageOrOff(Config c, String key) {
        if (off(c, key)) {
            return null;
        }
        try {
            return positive(c, key);
        } catch (ConfigException.BadValue e) {
            throw new ConfigException.BadValue(
                    PATH + "." + key,
                    "must be an age such as 90d, or off to keep everything, not '"
                            + c.getValue(key).unwrapped() + "'");
        }
    }

    private static Long bytesOrOff(Config c, String key) {
        if (off(c, key)) {
            return null;
        }
        try {
            long n = c.getBytes(key);
            if (n < 1) {
                throw new ConfigException.BadValue(PATH + "." + key, "must be positive");
            }
            return n;
        } catch (ConfigException.BadValue e) {
            throw new ConfigException.BadValue(
                    PATH + "." + key,
                    "must be a size such as 256m, or off to keep all output, not '"
                            + c.getValue(key).unwrapped() + "'");
        }
    }
}
