package io.kaged.actors.retention;

import io.kaged.actors.Removed;
import io.kaged.actors.run.RunSupervisor;
import io.kaged.actors.session.SessionSupervisor;
import io.kaged.actors.workspace.Workspaces;
import io.kaged.persistence.audit.AuditLog;
import io.kaged.persistence.store.Store;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * One retention pass: runs, then sessions, then output, each in batches until nothing is left or the limit
 * is reached. Its fields change only along its one chain of stages, never concurrently.
 */
final class RetentionPass {

    private static final Logger log = LoggerFactory.getLogger(RetentionService.class);
    private static final String LANE = "retention";

    private final Store store;
    private final ActorRef<RunSupervisor.Command> runs;
    private final ActorRef<SessionSupervisor.Command> sessions;
    private final RetentionSettings settings;
    private final AuditLog audit;
    private final ActorSystem<?> system;
    private final ExecutionContextExecutor executor;
    private final String actor;
    private final RetentionPolicy.Criteria k;
    private long remaining;
    private boolean complete = true;
    private int batches;
    private final Set<String> skipped = new HashSet<>();
    private final Totals runTotals = new Totals();
    private final Totals sessionTotals = new Totals();
    private final Totals trimTotals = new Totals();

    /** @param actor who the audit rows name */
    RetentionPass(
            Store store,
            ActorRef<RunSupervisor.Command> runs,
            ActorRef<SessionSupervisor.Command> sessions,
            RetentionSettings settings,
            AuditLog audit,
            ActorSystem<?> system,
            String actor,
            long limit,
            RetentionPolicy.Criteria k) {
        this.store = store;
        this.runs = runs;
        this.sessions = sessions;
        this.settings = settings;
        this.audit = audit;
        this.system = system;
        this.executor = system.executionContext();
        this.actor = actor;
        this.remaining = limit;
        this.k = k;
    }

    CompletableFuture<RetentionReport> run() {
        return runsPhase()
                .thenCompose(v -> sessionsPhase())
                .thenCompose(v -> transcriptsPhase())
                .thenApply(v -> RetentionReport.of(
                        false,
                        complete,
                        k,
                        runTotals.part(),
                        sessionTotals.part(),
                        trimTotals.part(),
                        batches,
                        skipped.size()));
    }

    /** The size of the next batch, or 0 when the limit is used up (the pass is then incomplete). */
    private int nextBatch() {
        if (remaining <= 0) {
            complete = false;
            return 0;
        }
        return (int) Math.min(settings.batchSize(), remaining);
    }

    private List<String> fresh(List<String> found, int n) {
        return found.stream().filter(id -> !skipped.contains(id)).limit(n).toList();
    }

    private CompletableFuture<Void> runsPhase() {
        return ownersPhase(
                k.runsEndedBefore(),
                RetentionQueries::runLeaves,
                runs,
                RunSupervisor.Purge::new,
                (c, ids, cutoff) -> RetentionQueries.deleteRuns(c, ids, cutoff, audit, actor),
                runTotals,
                batch -> Workspaces.store(system).dropAll(batch.ids()));
    }

    private CompletableFuture<Void> sessionsPhase() {
        return ownersPhase(
                k.sessionsEndedBefore(),
                RetentionQueries::endedSessions,
                sessions,
                SessionSupervisor.Purge::new,
                (c, ids, cutoff) -> RetentionQueries.deleteSessions(c, ids, cutoff, audit, actor),
                sessionTotals,
                batch -> Workspaces.store(system).dropAll(batch.ids()));
    }

    /**
     * One batch of owners (runs or sessions) ended before {@code cutoff}: found, purged through their
     * supervisor (which stops their actors around the deletion), counted; then the next batch.
     */
    private <C> CompletableFuture<Void> ownersPhase(
            Long cutoff,
            Finder finder,
            ActorRef<C> supervisor,
            PurgeCommand<C> purge,
            Deleter deleter,
            Totals totals,
            java.util.function.Consumer<RetentionQueries.Batch> afterCommit) {
        int n = cutoff == null ? 0 : nextBatch();
        if (n == 0) {
            return done();
        }
        return store.read(c -> finder.find(c, cutoff, n + skipped.size()))
                .thenComposeAsync(
                        found -> {
                            List<String> ids = fresh(found, n);
                            if (ids.isEmpty()) {
                                return done();
                            }
                            return AskPattern.<C, StatusReply<RetentionQueries.Batch>>ask(
                                            supervisor,
                                            r -> purge.of(
                                                    ids,
                                                    () -> store.write(LANE, c -> deleter.delete(c, ids, cutoff))
                                                            .thenApply(batch -> {
                                                                afterCommit.accept(batch);
                                                                return batch;
                                                            }),
                                                    r),
                                            settings.batchTimeout(),
                                            system.scheduler())
                                    .thenComposeAsync(
                                            reply -> {
                                                record(reply, ids, totals);
                                                return ownersPhase(
                                                        cutoff,
                                                        finder,
                                                        supervisor,
                                                        purge,
                                                        deleter,
                                                        totals,
                                                        afterCommit);
                                            },
                                            executor);
                        },
                        executor);
    }

    private CompletableFuture<Void> transcriptsPhase() {
        Long max = k.transcriptMaxBytesPerRun();
        int n = max == null ? 0 : nextBatch();
        if (n == 0) {
            return done();
        }
        return store.read(c -> RetentionQueries.oversized(c, max, k.runsEndedBefore(), n + skipped.size()))
                .thenComposeAsync(
                        found -> {
                            List<String> ids = fresh(
                                    found.stream()
                                            .map(RetentionQueries.Trim::runId)
                                            .toList(),
                                    n);
                            if (ids.isEmpty()) {
                                return done();
                            }
                            return store.write(LANE, c -> RetentionQueries.trimRuns(c, ids, max, audit, actor))
                                    .thenComposeAsync(
                                            trims -> {
                                                batches += trims.isEmpty() ? 0 : 1;
                                                remaining -= trims.size();
                                                trimTotals.add(trimmedRemoved(trims), null, null);
                                                Set<String> left = new HashSet<>(ids);
                                                trims.forEach(t -> left.remove(t.runId()));
                                                skipped.addAll(left);
                                                return transcriptsPhase();
                                            },
                                            executor);
                        },
                        executor);
    }

    /** Adds a purged batch; ids it did not delete (busy actor, changed since selected) are skipped. */
    private void record(StatusReply<RetentionQueries.Batch> reply, List<String> ids, Totals totals) {
        if (reply.isError()) {
            if (!(reply.getError() instanceof StatusReply.ErrorMessage)) {
                throw new CompletionException(reply.getError());
            }
            log.warn(
                    "Retention left {} item(s) for now: {}",
                    ids.size(),
                    reply.getError().getMessage());
            skipped.addAll(ids);
            return;
        }
        RetentionQueries.Batch b = reply.getValue();
        batches += b.ids().isEmpty() ? 0 : 1;
        remaining -= b.ids().size();
        totals.add(b.removed(), b.oldest(), b.newest());
        Set<String> left = new HashSet<>(ids);
        b.ids().forEach(left::remove);
        skipped.addAll(left);
    }

    /** What trimming the output of {@code trims} removes, as counts. */
    static Removed trimmedRemoved(List<RetentionQueries.Trim> trims) {
        return new Removed(
                trims.size(),
                0,
                0,
                0,
                trims.stream().mapToLong(RetentionQueries.Trim::chunks).sum(),
                trims.stream().mapToLong(RetentionQueries.Trim::bytes).sum());
    }

    /** Sums of one kind over a pass's batches. */
    private static final class Totals {
        private Removed removed = Removed.NONE;
        private Long oldest;
        private Long newest;

        void add(Removed r, Long batchOldest, Long batchNewest) {
            removed = removed.plus(r);
            if (batchOldest != null) {
                oldest = oldest == null ? batchOldest : Math.min(oldest, batchOldest);
                newest = newest == null ? batchNewest : Math.max(newest, batchNewest);
            }
        }

        RetentionReport.Part part() {
            return removed.items() == 0 ? RetentionReport.Part.NONE : RetentionReport.Part.of(removed, oldest, newest);
        }
    }

    private static CompletableFuture<Void> done() {
        return CompletableFuture.completedFuture(null);
    }

    /** Finds owners ended before a cutoff, at most {@code limit}. */
    private interface Finder {
        List<String> find(Connection c, long cutoff, int limit) throws SQLException;
    }

    /** Deletes the owners' rows in one transaction. */
    private interface Deleter {
        RetentionQueries.Batch delete(Connection c, List<String> ids, long cutoff) throws SQLException;
    }

    /** A supervisor's purge message ({@code RunSupervisor.Purge}, {@code SessionSupervisor.Purge}). */
    private interface PurgeCommand<C> {
        C of(
                List<String> ids,
                Supplier<CompletionStage<RetentionQueries.Batch>> deletion,
                ActorRef<StatusReply<RetentionQueries.Batch>> replyTo);
    }
}
