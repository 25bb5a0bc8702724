package io.kaged.bench.fill;

import io.kaged.persistence.store.Store;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;

/**
 * Made-up audit rows in the shape the daemon writes them ({@link io.kaged.persistence.audit.AuditLog}),
 * inserted with plain batched JDBC: the audit log is a table, not a journal, so nothing is lost by not
 * going through the routes. Kinds and their proportions follow what an operator's day produces: mostly
 * session input and attaches, then run dispatches. Subjects name the filled runs and sessions that
 * existed at the row's time.
 */
final class AuditRows {

    private enum Subject {
        RUN,
        SESSION,
        PROJECT,
        PROMPT,
        BACKUP
    }

    private record Kind(String name, int weight, Subject subject) {}

    private static final List<Kind> KINDS = List.of(
            new Kind("session.input", 5200, Subject.SESSION),
            new Kind("run.dispatch", 1500, Subject.RUN),
            new Kind("session.attach-ticket", 800, Subject.SESSION),
            new Kind("session.attach", 800, Subject.SESSION),
            new Kind("session.resize", 500, Subject.SESSION),
            new Kind("run.checkpoint", 300, Subject.RUN),
            new Kind("run.cancel", 150, Subject.RUN),
            new Kind("run.pause", 150, Subject.RUN),
            new Kind("run.resume", 140, Subject.RUN),
            new Kind("session.create", 120, Subject.SESSION),
            new Kind("session.terminate", 100, Subject.SESSION),
            new Kind("run.rollback", 40, Subject.RUN),
            new Kind("prompt.set", 80, Subject.PROMPT),
            new Kind("backup.create", 60, Subject.BACKUP),
            new Kind("project.config", 40, Subject.PROJECT),
            new Kind("project.create", 20, Subject.PROJECT));

    private static final int[] WEIGHTS = KINDS.stream().mapToInt(Kind::weight).toArray();
    private static final int BATCH = 5_000;

    private final FillOptions options;
    private final Timeline runs;
    private final Timeline sessions;

    AuditRows(FillOptions options, Timeline runs, Timeline sessions) {
        this.options = options;
        this.runs = runs;
        this.sessions = sessions;
    }

    void insert(Store store, Progress progress) throws SQLException {
        Random r = new Random(options.seed() + 2);
        Timeline times = Timeline.of(options.audit(), options.start(), options.end(), r);
        for (int from = 0; from < times.size(); from += BATCH) {
            int to = Math.min(times.size(), from + BATCH);
            int first = from;
            store.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit (id, at, actor, kind, subject,"
                        + " outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    for (int i = first; i < to; i++) {
                        bind(ps, times.id(i), times.at(i), r);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
            progress.add(to - from);
        }
    }

    private void bind(PreparedStatement ps, String id, long at, Random r) throws SQLException {
        Kind kind = KINDS.get(Mix.weighted(r, WEIGHTS));
        int outcome = r.nextInt(100);
        String result = outcome < 96 ? "ok" : outcome < 99 ? "refused" : "failed";
        String actor = "api";
        String subject;
        String detail = null;
        switch (kind.subject()) {
            case RUN -> {
                subject = runs.size() == 0 ? null : runs.id(runs.latestAt(at));
                if (kind.name().equals("run.dispatch")) {
                    detail = String.join(" ", Mix.program(r).argv());
                    if (r.nextInt(4) == 0 && subject != null) {
                        actor = "run:" + runs.id(Math.max(0, runs.latestAt(at) - 1 - r.nextInt(5)));
                    }
                } else if (result.equals("refused")) {
                    detail = "run has already finished (succeeded)";
                }
            }
            case SESSION -> {
                subject = sessions.size() == 0 ? null : sessions.id(sessions.latestAt(at));
                detail = switch (kind.name()) {
                    case "session.input" -> (1 + r.nextInt(200)) + " bytes";
                    case "session.resize" -> (80 + r.nextInt(120)) + "x" + (24 + r.nextInt(40));
                    case "session.attach" -> r.nextBoolean() ? "read-only" : "read-write";
                    default -> null;
                };
            }
            case PROJECT -> subject = Mix.pick(r, Mix.PROJECTS);
            case PROMPT -> {
                subject = Mix.pick(r, Mix.PROJECTS) + "/review";
                detail = "version " + (1 + r.nextInt(40));
            }
            default -> {
                actor = "cli:op";
                subject = "/home/op/.local/share/kaged/backups/kaged-" + java.time.Instant.ofEpochMilli(at) + ".db";
            }
        }
        ps.setString(1, id);
        ps.setLong(2, at);
        ps.setString(3, actor);
        ps.setString(4, kind.name());
        ps.setString(5, subject);
        ps.setString(6, result);
        ps.setString(7, detail);
    }
}
