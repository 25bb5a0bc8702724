package io.kaged.actors.stats;

import io.kaged.persistence.store.Store;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sessions and runs by state as Prometheus gauges, counted from the query tables. Prometheus collects
 * synchronously, so the SQL (one {@code GROUP BY state} per table, served by the {@code (state, id)}
 * indexes) runs before a scrape, in {@link #refresh()}, on the store's read threads; the gauges' callbacks
 * only read the counts it left. Every state of DESIGN.md is always reported, zero when no row has it, so a
 * series does not vanish when its last run leaves that state.
 */
public final class StateGauges {

    /** The state counts of one refresh. */
    public record Counts(Map<String, Long> sessions, Map<String, Long> runs) {
        static final Counts NONE = new Counts(Map.of(), Map.of());

        public long liveSessions() {
            return LIVE_SESSION_STATES.stream()
                    .mapToLong(s -> sessions.getOrDefault(s, 0L))
                    .sum();
        }
    }

    static final List<String> SESSION_STATES =
            List.of("starting", "running", "paused", "exited", "closed", "interrupted");
    static final List<String> LIVE_SESSION_STATES = List.of("starting", "running", "paused");
    static final List<String> RUN_STATES =
            List.of("queued", "running", "paused", "succeeded", "failed", "cancelled", "timed-out", "interrupted");

    private final Store store;
    private final AtomicReference<Counts> latest = new AtomicReference<>(Counts.NONE);

    public StateGauges(Store store, PrometheusRegistry registry) {
        this.store = store;
        GaugeWithCallback.builder()
                .name("kaged_sessions")
                .help("Sessions by state, from the sessions table.")
                .labelNames("state")
                .callback(cb -> known().ifPresent(
                                c -> byState(c.sessions(), SESSION_STATES).forEach((state, n) -> cb.call(n, state))))
                .register(registry);
        GaugeWithCallback.builder()
                .name("kaged_sessions_live")
                .help("Live sessions: starting, running or paused.")
                .callback(cb -> known().ifPresent(c -> cb.call(c.liveSessions())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("kaged_runs")
                .help("Runs by state, from the runs table.")
                .labelNames("state")
                .callback(cb ->
                        known().ifPresent(c -> byState(c.runs(), RUN_STATES).forEach((state, n) -> cb.call(n, state))))
                .register(registry);
    }

    /**
     * The counts are not known now (the store could not be read in time): the gauges report nothing
     * until the next refresh, rather than counts that may be stale.
     */
    public void forget() {
        latest.set(null);
    }

    private java.util.Optional<Counts> known() {
        return java.util.Optional.ofNullable(latest.get());
    }

    /** Counts the states anew; the gauges report these counts until the next refresh. */
    public CompletableFuture<Counts> refresh() {
        return store.read(c -> {
            Counts counts = new Counts(count(c, "sessions"), count(c, "runs"));
            latest.set(counts);
            return counts;
        });
    }

    private static Map<String, Long> count(Connection c, String table) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT state, COUNT(*) FROM " + table + " GROUP BY state");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    /** Every known state (zero if absent) and any other state the table holds. */
    private static Map<String, Double> byState(Map<String, Long> counts, List<String> known) {
        Map<String, Double> all = new TreeMap<>();
        known.forEach(s -> all.put(s, 0.0));
        counts.forEach((s, n) -> all.put(s, n.doubleValue()));
        return all;
    }
}
