package io.kaged.actors.query;

import io.kaged.actors.Sql;
import io.kaged.persistence.store.StorageSettings;
import io.kaged.persistence.store.Store;
import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import io.kaged.persistence.testing.TestSystems;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Rows written straight into a real, migrated store, so the query classes are tested on exactly the data a
 * test names: no actors, no processes, the same SQL on both engines. Ids are UUID-shaped and sort by
 * their number, as UUIDv7 ids sort by creation.
 */
final class Seed {

    /** A time inside the seeded history: 2026-01-01T00:00:00Z. */
    static final long T0 = 1_767_225_600_000L;

    private Seed() {}

    static Store open(TestEngine engine, Path home) {
        return Store.open(StorageSettings.fromConfig(
                TestSystems.config(TestDatabases.newStoreUrl(engine, home), home), Map.of()));
    }

    static String id(int n) {
        return String.format("01940000-%04x-7000-8000-%012x", n >>> 16, n & 0xffff);
    }

    record RunRow(
            int n, String state, String project, String parent, Integer exitCode, String commandName, long createdAt) {
        String id() {
            return Seed.id(n);
        }
    }

    record SessionRow(int n, String state, String project, long createdAt) {
        String id() {
            return Seed.id(n);
        }
    }

    record AuditRow(int n, long at, String kind, String subject) {
        String id() {
            return Seed.id(n);
        }
    }

    static void runs(Store store, List<RunRow> rows) throws Exception {
        store.inTransaction(c -> {
            for (RunRow r : rows) {
                Sql.update(
                        c,
                        "INSERT INTO runs (id, parent_id, project, state, command, command_name, retries, attempts,"
                                + " exit_code, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 1, ?, ?, ?)",
                        r.id(),
                        r.parent(),
                        r.project(),
                        r.state(),
                        Sql.json(List.of("/usr/bin/" + r.commandName(), "arg")),
                        r.commandName(),
                        r.exitCode(),
                        r.createdAt(),
                        r.createdAt());
            }
            return null;
        });
    }

    static void sessions(Store store, List<SessionRow> rows) throws Exception {
        store.inTransaction(c -> {
            for (SessionRow s : rows) {
                Sql.update(
                        c,
                        "INSERT INTO sessions (id, project, state, command, term_cols, term_rows, restart_policy,"
                                + " created_at, updated_at) VALUES (?, ?, ?, '[\"/bin/sh\"]', 80, 24, 'never', ?, ?)",
                        s.id(),
                        s.project(),
                        s.state(),
                        s.createdAt(),
                        s.createdAt());
            }
            return null;
        });
    }

    static void audit(Store store, List<AuditRow> rows) throws Exception {
        store.inTransaction(c -> {
            for (AuditRow a : rows) {
                Sql.update(
                        c,
                        "INSERT INTO audit (id, at, actor, kind, subject, outcome, detail) VALUES (?, ?, 'api', ?, ?,"
                                + " 'ok', NULL)",
                        a.id(),
                        a.at(),
                        a.kind(),
                        a.subject());
            }
            return null;
        });
    }

    /** Recorded output of a session or run, one row per chunk, in order. */
    static void output(Store store, String owner, String stream, String... chunks) throws Exception {
        store.inTransaction(c -> {
            long seq = 0;
            try (var ps =
                    c.prepareStatement("SELECT COALESCE(MAX(chunk_seq), -1) FROM transcripts WHERE owner_id = ?")) {
                ps.setString(1, owner);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    seq = rs.getLong(1) + 1;
                }
            }
            for (String chunk : chunks) {
                Sql.update(
                        c,
                        "INSERT INTO transcripts (owner_id, chunk_seq, stream, at, data) VALUES (?, ?, ?, ?, ?)",
                        owner,
                        seq++,
                        stream,
                        T0,
                        chunk.getBytes(StandardCharsets.UTF_8));
            }
            return null;
        });
    }

    /** {@code events} journal rows and {@code snapshots} snapshot rows of one persistence id. */
    static void journal(Store store, String persistenceId, int events, int snapshots) throws Exception {
        store.inTransaction(c -> {
            for (int i = 1; i <= events; i++) {
                Sql.update(
                        c,
                        "INSERT INTO journal (persistence_id, sequence_nr, writer_uuid, write_timestamp,"
                                + " event_manifest, ser_id, ser_manifest, payload) VALUES (?, ?, 'w', ?, '', 1, '', ?)",
                        persistenceId,
                        (long) i,
                        T0,
                        new byte[] {1});
            }
            for (int i = 1; i <= snapshots; i++) {
                Sql.update(
                        c,
                        "INSERT INTO snapshot (persistence_id, sequence_nr, created_at, ser_id, ser_manifest, payload)"
                                + " VALUES (?, ?, ?, 1, '', ?)",
                        persistenceId,
                        (long) i,
                        T0,
                        new byte[] {1});
            }
            return null;
        });
    }
}
