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
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

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
            Groups groups = Groups.read(c, scope.project());
            String project = scope.project();
            long events = project == null ? single(c, "SELECT COUNT(*) FROM journal") : owned(c, "journal", project);
            long snapshots =
                    project == null ? single(c, "SELECT COUNT(*) FROM snapshot") : owned(c, "snapshot", project);
            List<Stats.Project> projects = scope.byProject() ? byProject(c, groups) : null;
            return new Stats(
                    project,
                    groups.sessions(p -> true),
                    groups.runs(p -> true),
                    events,
                    snapshots,
                    new Stats.Store(store.engine().label(), storeBytes(c)),
                    projects);
        });
    }

    /**
     * Sessions by (project, state) and runs by (project, state, exit code), each read in one pass over its
     * {@code *_project_state} index (V3), which holds exactly these columns: the whole store's counts, one
     * project's and every project's come from the same few dozen groups, never from a second scan.
     */
    private record Groups(List<SessionGroup> sessions, List<RunGroup> runs) {

        static Groups read(Connection c, String project) throws SQLException {
            String where = project == null ? "" : " WHERE project = ?";
            Object[] args = project == null ? new Object[0] : new Object[] {project};
            List<SessionGroup> sessions = new ArrayList<>();
            query(
                    c,
                    "SELECT project, state, COUNT(*) FROM sessions" + where + " GROUP BY project, state",
                    args,
                    rs -> sessions.add(new SessionGroup(rs.getString(1), rs.getString(2), rs.getLong(3))));
            List<RunGroup> runs = new ArrayList<>();
            query(
                    c,
                    "SELECT project, state, exit_code, COUNT(*) FROM runs" + where
                            + " GROUP BY project, state, exit_code",
                    args,
                    rs -> runs.add(
                            new RunGroup(rs.getString(1), rs.getString(2), text(rs.getObject(3)), rs.getLong(4))));
            return new Groups(sessions, runs);
        }

        Stats.Sessions sessions(Predicate<String> project) {
            Map<String, Long> byState = new HashMap<>();
            sessions.stream()
                    .filter(g -> project.test(g.project()))
                    .forEach(g -> byState.merge(g.state(), g.count(), Long::sum));
            return Stats.Sessions.of(byState);
        }

        Stats.Runs runs(Predicate<String> project) {
            Map<String, Long> byState = new HashMap<>();
            Map<String, Long> byExitCode = new HashMap<>();
            runs.stream().filter(g -> project.test(g.project())).forEach(g -> {
                byState.merge(g.state(), g.count(), Long::sum);
                if (g.exitCode() != null) {
                    byExitCode.merge(g.exitCode(), g.count(), Long::sum);
                }
            });
            return Stats.Runs.of(byState, byExitCode);
        }

        Set<String> projects() {
            Set<String> names = new TreeSet<>(Comparator.nullsLast(Comparator.naturalOrder()));
            sessions.forEach(g -> names.add(g.project()));
            runs.forEach(g -> names.add(g.project()));
            return names;
        }
    }

    private record SessionGroup(String project, String state, long count) {}

    private record RunGroup(String project, String state, String exitCode, long count) {}

    /** One entry per project that has a session or a run; sessions and runs without a project come last. */
    private static List<Stats.Project> byProject(Connection c, Groups groups) throws SQLException {
        Map<String, Long> events = ownedByProject(c, "journal");
        Map<String, Long> snapshots = ownedByProject(c, "snapshot");
        List<Stats.Project> list = new ArrayList<>();
        for (String name : groups.projects()) {
            Predicate<String> same = p -> Objects.equals(p, name);
            list.add(new Stats.Project(
                    name,
                    groups.sessions(same),
                    groups.runs(same),
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
