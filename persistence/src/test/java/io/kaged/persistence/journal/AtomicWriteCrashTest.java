package io.kaged.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.persistence.store.StorageSettings;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.testing.CrashingWriterMain;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import io.kaged.persistence.testing.TestSystems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kills a process full of writing actors with SIGKILL, while this test reads the journal the whole time:
 * no reader, during the writes or after the kill, may ever see part of an AtomicWrite.
 */
class AtomicWriteCrashTest {

    private static final int WRITERS = 8;
    private static final int GROUP = 10;
    /** Events to see stored before the kill. */
    private static final long ROWS = 3000;
    /** How long the child may go without storing a new event (its start included) before the test fails. */
    private static final Duration STALL = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void neverShowsAPartialAtomicWriteAcrossSigkill(TestEngine engine) throws Exception {
        String url = TestDatabases.newStoreUrl(engine, dir);
        try (Store store = Store.open(StorageSettings.fromConfig(TestSystems.config(url, dir), Map.of()))) {
            Process child = new ProcessBuilder(
                            ProcessHandle.current().info().command().orElse("java"),
                            "-cp",
                            System.getProperty("java.class.path"),
                            CrashingWriterMain.class.getName(),
                            url,
                            String.valueOf(WRITERS),
                            String.valueOf(GROUP))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("child.log").toFile())
                    .start();
            List<String> violations = new ArrayList<>();
            long rows = 0;
            // A loaded machine starts the child and writes slowly: what bounds the wait is writing that has
            // stopped (or never began), not a total time that a slow but healthy child can miss.
            long stalledAt = System.nanoTime() + STALL.toNanos();
            String exited;
            try {
                // Read while it writes, until a good amount is stored (and the kill lands mid-stream).
                while (rows < ROWS && System.nanoTime() < stalledAt && child.isAlive()) {
                    long now = checkWholeGroups(store, violations);
                    if (now > rows) {
                        stalledAt = System.nanoTime() + STALL.toNanos();
                    }
                    rows = now;
                }
            } finally {
                exited = child.isAlive() ? "was still running" : "had exited with " + child.exitValue();
                child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            assertTrue(
                    rows >= ROWS,
                    "the child wrote only " + rows + " events (it " + exited + "; a stall is " + STALL.toSeconds()
                            + " s without a new event); its log ends:\n" + logTail(dir.resolve("child.log")));
            long after = checkWholeGroups(store, violations);
            assertEquals(List.of(), violations);
            assertTrue(after >= rows);
        }
    }

    private static String logTail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Checks every writer's events are 1..n with n a whole number of groups; returns the total count. */
    private static long checkWholeGroups(Store store, List<String> violations) throws SQLException {
        return store.withConnection(c -> {
            long total = 0;
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT persistence_id, COUNT(*), MAX(sequence_nr), MIN(sequence_nr)"
                            + " FROM journal GROUP BY persistence_id")) {
                while (rs.next()) {
                    long count = rs.getLong(2);
                    long max = rs.getLong(3);
                    long min = rs.getLong(4);
                    total += count;
                    if (count != max || min != 1 || count % GROUP != 0) {
                        violations.add(rs.getString(1) + ": count=" + count + " min=" + min + " max=" + max);
                    }
                }
            }
            return total;
        });
    }
}
