package io.kaged.actors.stats;

import io.kaged.persistence.store.Engine;
import io.kaged.persistence.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The numbers of {@code GET /v1/stats}, counted in SQL with {@code GROUP BY} over the query tables' indexes,
 * the journal and the snapshot store; portable SQL, so both engines give the same numbers for the same
 * data. The counts are read one after another, not in one snapshot: under concurrent writes they can be a
 * few events apart from each other.
 */
public final class StatsQueries {

    /** What to count: the whole store, one project, and whether to add one entry per project. */
    public record Scope(String project, boolean byProject) {
        public Scope {
            if (project != null && byProject) {
                throw new IllegalArgumentException("one project or every project, not both");
            }
        }
    }

    /** Persistence-id prefix of each owner table, as the actors' persistence ids spell it. */
    private static final Map<String, String> OWNERS = Map.of("sessions", "session|", "runs", "run|");

    private final Store store;

    public StatsQueries(Store store) {
        this.store = store;
    }

    public CompletableFuture<Stats> stats(Scope scope) {
        return store.read(c -> {
            Stats.Project counted = project(c, scope.project());
            List<Stats.Project> projects = scope.byProject() ? byProject(c) : null;
            return new Stats(
                    scope.project(),
                    counted.sessions(),
                    counted.runs(),
                    counted.events(),
                    counted.snapshots(),
                    new Stats.Store(store.engine().label(), storeBytes(c)),
                    projects);
        });
    }

    /** The counts of one project, or of the whole store when {@code project} is null. */
    private static Stats.Project project(Connection c, String project) throws SQLException {
        String where = project == null ? "" : " WHERE project = ?";
        Object[] args = project == null ? new Object[0] : new Object[] {project};
        Map<String, Long> sessions = pairs(c, "SELECT state, COUNT(*) FROM sessions" + where + " GROUP BY state", args);
        Map<String, Long> runs = pairs(c, "SELECT state, COUNT(*) FROM runs" + where + " GROUP BY state", args);
        Map<String, Long> exits = pairs(
                c,
                "SELECT exit_code, COUNT(*) FROM runs WHERE exit_code IS NOT NULL"
                        + (project == null ? "" : " AND project = ?") + " GROUP BY exit_code",
                args);
        long events = project == null ? single(c, "SELECT COUNT(*) FROM journal") : owned(c, "journal", project);
        long snapshots = project == null ? single(c, "SELECT COUNT(*) FROM snapshot") : owned(c, "snapshot", project);
        return new Stats.Project(project, Stats.Sessions.of(sessions), Stats.Runs.of(runs, exits), events, snapshots);
    }

    /** One entry per project that has a session or a run; sessions and runs without a project come last. */
    private static List<Stats.Project> byProject(Connection c) throws SQLException {
        Map<String, Map<String, Long>> sessions =
                triples(c, "SELECT project, state, COUNT(*) FROM sessions GROUP BY project, state");
        Map<String, Map<String, Long>> runs =
                triples(c, "SELECT project, state, COUNT(*) FROM runs GROUP BY project, state");
        Map<String, Map<String, Long>> exits = triples(
                c,
                "SELECT project, exit_code, COUNT(*) FROM runs WHERE exit_code IS NOT NULL GROUP BY project, exit_code");
        Map<String, Long> events = ownedByProject(c, "journal");
        Map<String, Long> snapshots = ownedByProject(c, "snapshot");
        Set<String> names = new TreeSet<>(Comparator.nullsLast(Comparator.naturalOrder()));
        names.addAll(sessions.keySet());
        names.addAll(runs.keySet());
        List<Stats.Project> list = new ArrayList<>();
        for (String name : names) {
            list.add(new Stats.Project(
                    name,
                    Stats.Sessions.of(sessions.getOrDefault(name, Map.of())),
                    Stats.Runs.of(runs.getOrDefault(name, Map.of()), exits.getOrDefault(name, Map.of())),
                    events.getOrDefault(name, 0L),
                    snapshots.getOrDefault(name, 0L)));
        }
        return list;
    }

    /** Rows of {@code table} (journal or snapshot) that belong to the project's sessions and runs. */
    private static long owned(Connection c, String table, String project) throws SQLException {
        long n = 0;
        for (Map.Entry<String, String> owner : OWNERS.entrySet()) {
            n += single(
                    c,
                    "SELECT COUNT(*) FROM " + table + " t JOIN " + owner.getKey() + " o ON t.persistence_id = '"
                            + owner.getValue() + "' || o.id WHERE o.project = ?",
                    project);
        }
        return n;
    }

    private static Map<String, Long> ownedByProject(Connection c, String table) throws SQLException {
        Map<String, Long> n = new HashMap<>();
        for (Map.Entry<String, String> owner : OWNERS.entrySet()) {
            pairs(
                            c,
                            "SELECT o.project, COUNT(*) FROM " + table + " t JOIN " + owner.getKey()
                                    + " o ON t.persistence_id = '" + owner.getValue() + "' || o.id GROUP BY o.project")
                    .forEach((project, count) -> n.merge(project, count, Long::sum));
        }
        return n;
    }

    private long storeBytes(Connection c) throws SQLException {
        if (store.engine() == Engine.POSTGRESQL) {
            return single(c, "SELECT pg_database_size(current_database())");
        }
        Path file = store.target().sqliteFile();
        return size(file) + size(Path.of(file + "-wal"));
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + file, e);
        }
    }

    private static long single(Connection c, String sql, Object... args) throws SQLException {
        long[] n = new long[1];
        query(c, sql, args, rs -> n[0] = rs.getLong(1));
        return n[0];
    }

    /** (key, count) rows as a map; a null key stays null (HashMap allows it). */
    private static Map<String, Long> pairs(Connection c, String sql, Object... args) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        query(c, sql, args, rs -> out.put(text(rs.getObject(1)), rs.getLong(2)));
        return out;
    }

    /** (project, key, count) rows as project → key → count. */
    private static Map<String, Map<String, Long>> triples(Connection c, String sql) throws SQLException {
        Map<String, Map<String, Long>> out = new HashMap<>();
        query(c, sql, new Object[0], rs -> out.computeIfAbsent(rs.getString(1), p -> new HashMap<>())
                .put(text(rs.getObject(2)), rs.getLong(3)));
        return out;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    private static void query(Connection c, String sql, Object[] args, Row row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
        }
    }
}
