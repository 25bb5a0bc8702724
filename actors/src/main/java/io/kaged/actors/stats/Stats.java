package io.kaged.actors.stats;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What {@code GET /v1/stats} answers: counts of the whole store, or of one project, and optionally one
 * entry per project.
 *
 * @param project the project counted, or null for the whole store
 * @param events journal rows (of that project's sessions and runs, when a project is asked for)
 * @param snapshots snapshot rows, likewise
 * @param store the whole store's size on disk (SQLite: the file and its WAL; PostgreSQL:
 *     pg_database_size), even when a project is asked for
 * @param projects one entry per project (null project last), only when asked for
 */
public record Stats(
        String project,
        Sessions sessions,
        Runs runs,
        long events,
        long snapshots,
        Store store,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<Project> projects) {

    /** Sessions by state. */
    public record Sessions(long total, Map<String, Long> byState) {
        static Sessions of(Map<String, Long> byState) {
            return new Sessions(sum(byState), new TreeMap<>(byState));
        }
    }

    /**
     * Runs by state and by exit code.
     *
     * @param byExitCode runs that ended with a process exit code, by that code; runs without one (not
     *     started, cancelled before starting) are not in it
     * @param successRate succeeded ÷ (succeeded + failed + timed-out + interrupted), 0 to 1; cancelled
     *     runs are the operator's choice, not an outcome, and do not count; null when no run has ended
     */
    public record Runs(long total, Map<String, Long> byState, Map<String, Long> byExitCode, Double successRate) {
        private static final Set<String> UNSUCCESSFUL = Set.of("failed", "timed-out", "interrupted");

        static Runs of(Map<String, Long> byState, Map<String, Long> byExitCode) {
            long succeeded = byState.getOrDefault("succeeded", 0L);
            long ended = succeeded
                    + byState.entrySet().stream()
                            .filter(e -> UNSUCCESSFUL.contains(e.getKey()))
                            .mapToLong(Map.Entry::getValue)
                            .sum();
            return new Runs(
                    sum(byState),
                    new TreeMap<>(byState),
                    byExitCodeInNumericOrder(byExitCode),
                    ended == 0 ? null : (double) succeeded / ended);
        }
    }

    private static Map<String, Long> byExitCodeInNumericOrder(Map<String, Long> counts) {
        Map<String, Long> sorted = new TreeMap<>(java.util.Comparator.comparingInt(Integer::parseInt));
        sorted.putAll(counts);
        return sorted;
    }

    /** One project's counts; {@code project} null gathers the sessions and runs that name none. */
    public record Project(String project, Sessions sessions, Runs runs, long events, long snapshots) {}

    /** @param engine {@code sqlite} or {@code postgresql} */
    public record Store(String engine, long bytes) {}

    private static long sum(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
