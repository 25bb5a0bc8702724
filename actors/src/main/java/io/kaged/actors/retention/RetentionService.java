package io.kaged.actors.retention;

import io.kaged.actors.Removed;
import io.kaged.actors.run.RunSupervisor;
import io.kaged.actors.session.SessionSupervisor;
import io.kaged.actors.workspace.Workspaces;
import io.kaged.persistence.audit.AuditLog;
import io.kaged.persistence.store.Store;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Applies the retention policy. {@link #plan()} says what the policy removes now without changing
 * anything; {@link #apply} removes it in batches of {@code kaged.retention.batch-size}, each one
 * transaction on a write lane with the audit row that records it, so no pass holds the SQLite writer for
 * long. Runs and sessions go through their supervisors, which stop their actors and hold commands for
 * them until the rows are gone; live ones are never selected. Passes run one at a time, in the order
 * asked; the daemon starts one every {@code interval}.
 */
public final class RetentionService {

    /** Who the audit log names for the daemon's scheduled passes. */
    public static final String POLICY_ACTOR = "policy:retention";

    private static final Logger log = LoggerFactory.getLogger(RetentionService.class);
    private static final String LANE = "retention";

    private final Store store;
    private final ActorRef<RunSupervisor.Command> runs;
    private final ActorRef<SessionSupervisor.Command> sessions;
    private final RetentionSettings settings;
    private final Clock clock;
    private final AuditLog audit;
    private final ActorSystem<?> system;
    private final ExecutionContextExecutor executor;
    private final AtomicBoolean scheduledPassRunning = new AtomicBoolean();
    private CompletableFuture<?> last = CompletableFuture.completedFuture(null);

    public RetentionService(
            Store store,
            ActorRef<RunSupervisor.Command> runs,
            ActorRef<SessionSupervisor.Command> sessions,
            RetentionSettings settings,
            Clock clock,
            ActorSystem<?> system) {
        this.store = store;
        this.runs = runs;
        this.sessions = sessions;
        this.settings = settings;
        this.clock = clock;
        this.audit = new AuditLog(clock);
        this.system = system;
        this.executor = system.executionContext();
    }

    public RetentionSettings settings() {
        return settings;
    }

    /** What the policy removes as of now: the dry run. Changes nothing. */
    public CompletableFuture<RetentionReport> plan() {
        RetentionPolicy.Criteria k = settings.policy().at(clock.instant());
        return store.read(c -> {
            RetentionReport.Part runsPart = k.runsEndedBefore() == null
                    ? RetentionReport.Part.NONE
                    : RetentionQueries.planRuns(c, k.runsEndedBefore());
            RetentionReport.Part sessionsPart = k.sessionsEndedBefore() == null
                    ? RetentionReport.Part.NONE
                    : RetentionQueries.planSessions(c, k.sessionsEndedBefore());
            RetentionReport.Part trims = k.transcriptMaxBytesPerRun() == null
                    ? RetentionReport.Part.NONE
                    : trimmed(RetentionQueries.oversized(
                            c, k.transcriptMaxBytesPerRun(), k.runsEndedBefore(), Integer.MAX_VALUE));
            return RetentionReport.of(true, true, k, runsPart, sessionsPart, trims, 0, 0);
        });
    }

    /**
     * Removes what the policy names, at most {@code limit} runs, sessions and trimmed runs together (the
     * report says whether it got to the end), after any pass already under way.
     *
     * @param actor who the audit rows name
     */
    public synchronized CompletableFuture<RetentionReport> apply(String actor, long limit) {
        CompletableFuture<RetentionReport> next = last.handle((ignored, failure) -> null)
                .thenComposeAsync(
                        ignored -> {
                            long started = System.nanoTime();
                            return new Pass(actor, limit, settings.policy().at(clock.instant()))
                                    .run()
                                    .whenComplete((report, failure) -> logPass(actor, report, failure, started));
                        },
                        executor);
        last = next;
        return next;
    }

    /** Starts a pass every {@code interval}, the first {@code first-pass-after} from now. */
    public Cancellable schedule() {
        return system.scheduler()
                .scheduleWithFixedDelay(settings.firstPassAfter(), settings.interval(), this::scheduledPass, executor);
    }

    private void scheduledPass() {
        // a pass longer than the interval is not queued behind itself
        if (scheduledPassRunning.compareAndSet(false, true)) {
            apply(POLICY_ACTOR, Long.MAX_VALUE).whenComplete((report, failure) -> scheduledPassRunning.set(false));
        }
    }

    private void logPass(String actor, RetentionReport r, Throwable failure, long startedNanos) {
        long ms = Duration.ofNanos(System.nanoTime() - startedNanos).toMillis();
        java.util.Optional<io.kaged.persistence.store.StoreHealth.Fault> fault =
                failure == null ? java.util.Optional.empty() : store.health().faultIn(failure);
        if (fault.isPresent()) {
            // not a bug: the store's own fault, which health and the metrics report already
            log.warn(
                    "Retention pass ({}) stopped after {} ms: {}; what it removed before is recorded, the next pass"
                            + " goes on",
                    actor,
                    ms,
                    fault.get().reason());
        } else if (failure != null) {
            log.error("Retention pass ({}) failed after {} ms; what it removed before is recorded", actor, ms, failure);
        } else if (r.empty()) {
            log.info("Retention pass ({}): nothing to remove ({} ms)", actor, ms);
        } else {
            log.info(
                    "Retention pass ({}): removed {} run(s) and {} session(s), trimmed the output of {} run(s); {} in"
                            + " {} batch(es), {} ms{}{}",
                    actor,
                    r.runs().count(),
                    r.sessions().count(),
                    r.transcripts().count(),
                    bytes(r.bytes()),
                    r.batches(),
                    ms,
                    r.skipped() > 0 ? "; " + r.skipped() + " skipped (busy or changed)" : "",
                    r.complete() ? "" : "; stopped at its limit, more to remove");
        }
    }

    static String bytes(long n) {
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }

    private static RetentionReport.Part trimmed(List<RetentionQueries.Trim> trims) {
        return RetentionReport.Part.of(trimmedRemoved(trims), null, null);
    }

    /**
     * One pass: runs, then sessions, then output, each in batches until nothing is left or the limit is
     * reached. Its fields change only along its one chain of stages, never concurrently.
     */
    private final class Pass {
        private final String actor;
        private final RetentionPolicy.Criteria k;
        private long remaining;
        private boolean complete = true;
        private int batches;
        private final Set<String> skipped = new HashSet<>();
        private final Totals runTotals = new Totals();
        private final Totals sessionTotals = new Totals();
        private final Totals trimTotals = new Totals();

        Pass(String actor, long limit, RetentionPolicy.Criteria k) {
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
    }

    private static Removed trimmedRemoved(List<RetentionQueries.Trim> trims) {
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
