package io.kaged.persistence.project;

import io.kaged.persistence.audit.AuditLog;
import io.kaged.persistence.store.Engine;
import io.kaged.persistence.store.Ids;
import io.kaged.persistence.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The SQL of projects and their versioned prompt texts, run on the store's threads.
 *
 * <p>Every change commits in one transaction with its audit row, on the write lane of its project: the
 * audit log never names a change that did not happen, and no change goes unrecorded. A prompt edit inserts
 * the next version; nothing here updates or deletes a version. The next number is {@code max(version) + 1},
 * claimed with {@code INSERT ... ON CONFLICT DO NOTHING} against {@code UNIQUE(project_id, name, version)}
 * and read again when another transaction claimed it first. The lane already serialises one daemon's edits
 * of a project; the claim keeps versions gapless and unique when transactions do race on the database
 * (under PostgreSQL's READ COMMITTED two of them can read the same max; SQLite's BEGIN IMMEDIATE
 * serialises them). {@code ON CONFLICT} rather than catching the unique violation, because a failed
 * statement aborts a PostgreSQL transaction, and with it the audit row.
 */
public final class ProjectStore {

    /** Audit kind of {@link #create}: subject the project name, outcome "ok" or "refused" (name taken). */
    public static final String CREATE = "project.create";
    /** Audit kind of {@link #replaceConfig}: subject the project name. */
    public static final String CONFIG = "project.config";
    /** Audit kind of {@link #addVersion}: subject the project name; the detail names prompt and version. */
    public static final String PROMPT_SET = "prompt.set";

    private static final int MAX_CLAIMS = 100;
    private static final String PROJECT_COLUMNS = "id, name, config, created_at, updated_at";
    private static final String VERSION_COLUMNS = "id, name, version, body, author, created_at";

    private final Store store;
    private final Clock clock;
    private final AuditLog audit;

    public ProjectStore(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.audit = new AuditLog(clock);
    }

    // ---- changes --------------------------------------------------------------------------------

    /** Creates a project; empty if the name is taken (the refusal is audited too). */
    public CompletableFuture<Optional<Project>> create(String name, String config, String actor) {
        return store.write(lane(name), c -> create(c, name, config, actor));
    }

    Optional<Project> create(Connection c, String name, String config, String actor) throws SQLException {
        String id = Ids.newId();
        long now = clock.millis();
        int inserted = update(
                c,
                "INSERT INTO projects (id, name, config, created_at, updated_at) VALUES (?, ?, ?, ?, ?)"
                        + " ON CONFLICT (name) DO NOTHING",
                id,
                name,
                config,
                now,
                now);
        if (inserted == 0) {
            audit.append(c, actor, CREATE, name, "refused", "a project named " + name + " exists");
            return Optional.empty();
        }
        audit.append(c, actor, CREATE, name, "ok", "config of " + config.length() + " characters");
        return Optional.of(new Project(id, name, config, Instant.ofEpochMilli(now), Instant.ofEpochMilli(now)));
    }

    /** Replaces a project's config; empty if there is no such project. */
    public CompletableFuture<Optional<Project>> replaceConfig(String name, String config, String actor) {
        return store.write(lane(name), c -> {
            int updated = update(
                    c, "UPDATE projects SET config = ?, updated_at = ? WHERE name = ?", config, clock.millis(), name);
            if (updated == 0) {
                return Optional.empty();
            }
            audit.append(c, actor, CONFIG, name, "ok", "config replaced, " + config.length() + " characters");
            return find(c, name);
        });
    }

    /** Writes the next version of a prompt; empty if there is no such project. */
    public CompletableFuture<Optional<PromptVersion>> addVersion(
            String project, String prompt, String body, String author, String actor) {
        return store.write(lane(project), c -> addVersion(c, project, prompt, body, author, actor));
    }

    Optional<PromptVersion> addVersion(
            Connection c, String project, String prompt, String body, String author, String actor) throws SQLException {
        Optional<Project> p = find(c, project);
        if (p.isEmpty()) {
            return Optional.empty();
        }
        for (int claim = 0; claim < MAX_CLAIMS; claim++) {
            int next = latestNumber(c, p.get().id(), prompt) + 1;
            String id = Ids.newId();
            long now = clock.millis();
            int inserted = update(
                    c,
                    "INSERT INTO prompt_versions (id, project_id, name, version, body, author, created_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, name, version) DO NOTHING",
                    id,
                    p.get().id(),
                    prompt,
                    next,
                    body,
                    author,
                    now);
            if (inserted == 1) {
                audit.append(
                        c,
                        actor,
                        PROMPT_SET,
                        project,
                        "ok",
                        "prompt " + prompt + " version " + next + " by " + author + ", " + body.length()
                                + " characters");
                return Optional.of(
                        new PromptVersion(id, project, prompt, next, body, author, Instant.ofEpochMilli(now)));
            }
        }
        throw new SQLException("prompt " + prompt + " of project " + project + " got no free version number in "
                + MAX_CLAIMS + " tries; other writers keep claiming them");
    }

    // ---- reads ----------------------------------------------------------------------------------

    public CompletableFuture<Optional<Project>> get(String name) {
        return store.read(c -> find(c, name));
    }

    /** Projects by name, a page at a time. */
    public CompletableFuture<List<Project>> list(int limit, int offset) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + PROJECT_COLUMNS + " FROM projects ORDER BY " + byName("name") + " LIMIT ? OFFSET ?")) {
                ps.setInt(1, limit);
                ps.setInt(2, offset);
                try (ResultSet rs = ps.executeQuery()) {
                    List<Project> projects = new ArrayList<>();
                    while (rs.next()) {
                        projects.add(project(rs));
                    }
                    return projects;
                }
            }
        });
    }

    /** The project's prompts by name, each with its latest version. */
    public CompletableFuture<List<PromptSummary>> prompts(Project project, int limit, int offset) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT p.name, p.version, p.author, p.created_at"
                    + " FROM prompt_versions p JOIN (SELECT name, MAX(version) AS latest FROM prompt_versions"
                    + " WHERE project_id = ? GROUP BY name) m ON p.name = m.name AND p.version = m.latest"
                    + " WHERE p.project_id = ? ORDER BY " + byName("p.name") + " LIMIT ? OFFSET ?")) {
                ps.setString(1, project.id());
                ps.setString(2, project.id());
                ps.setInt(3, limit);
                ps.setInt(4, offset);
                try (ResultSet rs = ps.executeQuery()) {
                    List<PromptSummary> prompts = new ArrayList<>();
                    while (rs.next()) {
                        prompts.add(new PromptSummary(
                                rs.getString(1), rs.getInt(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4))));
                    }
                    return prompts;
                }
            }
        });
    }

    /** The latest version of a prompt; empty if the project has no prompt of that name. */
    public CompletableFuture<Optional<PromptVersion>> latest(Project project, String prompt) {
        return store.read(c -> oneVersion(
                c,
                project,
                "SELECT " + VERSION_COLUMNS + " FROM prompt_versions WHERE project_id = ? AND name = ?"
                        + " ORDER BY version DESC LIMIT 1",
                prompt));
    }

    public CompletableFuture<Optional<PromptVersion>> version(Project project, String prompt, int version) {
        return store.read(c -> oneVersion(
                c,
                project,
                "SELECT " + VERSION_COLUMNS + " FROM prompt_versions WHERE project_id = ? AND name = ?"
                        + " AND version = ?",
                prompt,
                version));
    }

    /** A prompt's versions, oldest first, without their texts. */
    public CompletableFuture<List<VersionSummary>> versions(Project project, String prompt, int limit, int offset) {
        return store.read(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT version, author, LENGTH(body), created_at FROM prompt_versions"
                            + " WHERE project_id = ? AND name = ? ORDER BY version LIMIT ? OFFSET ?")) {
                ps.setString(1, project.id());
                ps.setString(2, prompt);
                ps.setInt(3, limit);
                ps.setInt(4, offset);
                try (ResultSet rs = ps.executeQuery()) {
                    List<VersionSummary> versions = new ArrayList<>();
                    while (rs.next()) {
                        versions.add(new VersionSummary(
                                rs.getInt(1), rs.getString(2), rs.getInt(3), Instant.ofEpochMilli(rs.getLong(4))));
                    }
                    return versions;
                }
            }
        });
    }

    // ---- SQL chores -----------------------------------------------------------------------------

    /**
     * Name order by code point on both engines. SQLite compares bytes by default; PostgreSQL by the
     * database's locale, which may fold case and skip punctuation, so it is told "C".
     */
    private String byName(String column) {
        return store.engine() == Engine.POSTGRESQL ? column + " COLLATE \"C\"" : column;
    }

    /** One lane per project, so one daemon's changes to a project commit in the order they were asked. */
    private static String lane(String project) {
        return "project:" + project;
    }

    private static Optional<Project> find(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + PROJECT_COLUMNS + " FROM projects WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(project(rs)) : Optional.empty();
            }
        }
    }

    private static int latestNumber(Connection c, String projectId, String prompt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT COALESCE(MAX(version), 0) FROM prompt_versions WHERE project_id = ? AND name = ?")) {
            ps.setString(1, projectId);
            ps.setString(2, prompt);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static Optional<PromptVersion> oneVersion(Connection c, Project project, String sql, Object... args)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, project.id());
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 2, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new PromptVersion(
                        rs.getString("id"),
                        project.name(),
                        rs.getString("name"),
                        rs.getInt("version"),
                        rs.getString("body"),
                        rs.getString("author"),
                        Instant.ofEpochMilli(rs.getLong("created_at"))));
            }
        }
    }

    private static Project project(ResultSet rs) throws SQLException {
        return new Project(
                rs.getString("id"),
                rs.getString("name"),
                rs.getString("config"),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")));
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }
}
