package io.kaged.actors.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetentionSettingsTest {

    private static RetentionSettings parse(String hocon) {
        return RetentionSettings.fromConfig(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()));
    }

    @Test
    void defaultsKeepNinetyDaysAndRunOnASchedule() {
        RetentionSettings s = parse("");
        assertTrue(s.enabled());
        assertEquals(Duration.ofDays(90), s.policy().runsFinishedOlderThan());
        assertEquals(Duration.ofDays(90), s.policy().sessionsEndedOlderThan());
        assertEquals(256L * 1024 * 1024, s.policy().transcriptMaxBytesPerRun());
        assertEquals(500, s.batchSize());
        assertEquals(Duration.ofHours(1), s.interval());
    }

    @Test
    void offTurnsARuleOffAndTheCriteriaFollowTheClock() {
        RetentionSettings s = parse("kaged.retention { runs.finished-older-than = off,"
                + " transcripts.max-bytes-per-run = off, sessions.ended-older-than = 1d }");
        Instant now = Instant.parse("2026-03-02T00:00:00Z");
        RetentionPolicy.Criteria k = s.policy().at(now);
        assertNull(k.runsEndedBefore());
        assertNull(k.transcriptMaxBytesPerRun());
        assertEquals(Instant.parse("2026-03-01T00:00:00Z").toEpochMilli(), k.sessionsEndedBefore());
        assertEquals(
                "finished runs after (off), ended sessions after 1d, run output over (off) per run",
                s.policy().describe());
    }

    @Test
    void aBadValueFailsNamingItsKey() {
        for (String bad : new String[] {
            "kaged.retention.runs.finished-older-than = soon",
            "kaged.retention.runs.finished-older-than = 0d",
            "kaged.retention.transcripts.max-bytes-per-run = lots",
            "kaged.retention.batch-size = 0",
            "kaged.retention.interval = 0s"
        }) {
            ConfigException e = assertThrows(ConfigException.class, () -> parse(bad), bad);
            String key = bad.substring(0, bad.indexOf(' '));
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
    }
}
