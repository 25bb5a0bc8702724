package io.kaged.actors.run;

import io.kaged.actors.OwnerRows;
import io.kaged.actors.Removed;
import io.kaged.actors.Sql;
import io.kaged.actors.workspace.WorkspaceStore;
import io.kaged.persistence.audit.AuditLog;
import io.kaged.persistence.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Deletes a finished run with its whole subtree of child runs, every row of each, in one transaction with
 * the audit row that keeps the fact. The tree is read once to ask the supervisor to stop its actors
 * ({@link RunSupervisor.Purge}) and read again inside the deleting transaction: if it changed in between
 * (a child was started) or a run in it is live, nothing is deleted.
 */
public final class RunPurge {

    /** Run states in which nothing more happens to a run. */
    public static final Set<String> FINISHED = Set.of("succeeded", "failed", "cancelled", "timed-out", "interrupted");

    /** {@link #FINISHED} as an SQL list. */
    public static final String FINISHED_SQL = "('succeeded', 'failed', 'cancelled', 'timed-out', 'interrupted')";

    /** Runs named in an audit row's detail at most; the counts are always whole. */
    private static final int AUDITED_IDS = 1000;

    /** One run of a tree; {@code depth} 0 is the root. */
    public record TreeRun(String id, String state, int depth) {
        public boolean live() {
            return !FINISHED.contains(state);
        }
    }

    /** How a purge ended. */
    public sealed interface Outcome {}

    /** Every row of {@code runIds} (root first) is gone. */
    public record Purged(String runId, List<String> runIds, Removed removed) implements Outcome {}

    /** Nothing was deleted, for {@code reason}. */
    public record Refused(String reason) implements Outcome {}

    public record NotFound() implements Outcome {}

    private final Store store;
    private final AuditLog audit;
    private final WorkspaceStore workspaces;

    /** @param workspaces the purged runs' workspace snapshots go with their rows; null keeps them */
    public RunPurge(Store store, AuditLog audit, WorkspaceStore workspaces) {
        this.store = store;
        this.audit = audit;
        this.workspaces = workspaces;
    }

    public RunPurge(Store store, AuditLog audit) {
        this(store, audit, null);
    }

    /** The run and all its descendants, root first, deepest last; empty if there is no such run. */
    public CompletableFuture<List<TreeRun>> tree(String rootId) {
        return store.read(c -> tree(c, rootId));
    }

    /** The first live run of a tree, if any: a purge of the tree is refused while one is live. */
    public static Optional<TreeRun> firstLive(List<TreeRun> tree) {
        return tree.stream().filter(TreeRun::live).findFirst();
    }

    /**
     * Deletes the tree of {@code rootId}, which must still be exactly {@code expected} and all finished.
     * The runs' actors must have been stopped.
     */
    public CompletableFuture<Outcome> purge(String rootId, Set<String> expected, String actor) {
        return rows(rootId, expected, actor).thenApply(outcome -> {
            // after the commit, on the store's blocking thread: a rolled-back deletion keeps its snapshots
            if (outcome instanceof Purged p && workspaces != null) {
                workspaces.dropAll(p.runIds());
            }
            return outcome;
        });
    }

    private CompletableFuture<Outcome> rows(String rootId, Set<String> expected, String actor) {
        return store.write(RunActor.persistenceId(rootId).id(), c -> {
            List<TreeRun> tree = tree(c, rootId);
            if (tree.isEmpty()) {
                return new NotFound();
            }
            Set<String> ids = new HashSet<>();
            tree.forEach(r -> ids.add(r.id()));
            if (!ids.equals(expected)) {
                return new Refused("the tree of run " + rootId + " changed while it was being purged (a child run was"
                        + " started), so nothing was deleted; send the purge again: it deletes the tree once every"
                        + " run of it has ended, or names the one still live");
            }
            Optional<TreeRun> live = firstLive(tree);
            if (live.isPresent()) {
                return new Refused(liveReason(rootId, live.get()));
            }
            List<String> deepestFirst = new ArrayList<>();
            for (int i = tree.size() - 1; i >= 0; i--) {
                deepestFirst.add(tree.get(i).id());
            }
            Removed removed = OwnerRows.delete(c, OwnerRows.Kind.RUN, deepestFirst);
            List<String> rootFirst = tree.stream().map(TreeRun::id).toList();
            audit.append(c, actor, "run.purge", rootId, "ok", detail(removed, rootFirst));
            return new Purged(rootId, rootFirst, removed);
        });
    }

    /** Why a tree with a live run cannot be purged, and what to do. */
    public static String liveReason(String rootId, TreeRun live) {
        String which =
                live.id().equals(rootId) ? "run " + rootId : "run " + live.id() + " (in the tree of " + rootId + ")";
        return which + " is " + live.state() + "; cancel it (POST /v1/runs/" + live.id()
                + "/cancel) and purge once it has ended";
    }

    private static String detail(Removed removed, List<String> ids) throws SQLException {
        Map<String, Object> detail = new LinkedHashMap<>(removed.named("runs"));
        detail.put("ids", ids.size() > AUDITED_IDS ? ids.subList(0, AUDITED_IDS) : ids);
        if (ids.size() > AUDITED_IDS) {
            detail.put("idsOmitted", ids.size() - AUDITED_IDS);
        }
        return Sql.json(detail);
    }

    /** Breadth first, so that every run comes after its parent. */
    private static List<TreeRun> tree(Connection c, String rootId) throws SQLException {
        List<TreeRun> tree = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, state FROM runs WHERE id = ?")) {
            ps.setString(1, rootId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return tree;
                }
                tree.add(new TreeRun(rs.getString(1), rs.getString(2), 0));
            }
        }
        List<String> level = List.of(rootId);
        for (int depth = 1; !level.isEmpty(); depth++) {
            List<String> next = new ArrayList<>();
            for (int i = 0; i < level.size(); i += 500) {
                List<String> part = level.subList(i, Math.min(level.size(), i + 500));
                try (PreparedStatement ps = c.prepareStatement("SELECT id, state FROM runs WHERE parent_id IN ("
                        + OwnerRows.placeholders(part.size()) + ") ORDER BY id")) {
                    for (int k = 0; k < part.size(); k++) {
                        ps.setString(k + 1, part.get(k));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            tree.add(new TreeRun(rs.getString(1), rs.getString(2), depth));
                            next.add(rs.getString(1));
                        }
                    }
                }
            }
            level = next;
        }
        return tree;
    }
}
