package io.kaged.actors.retention;

import io.kaged.actors.run.RunSupervisor;
import io.kaged.actors.session.SessionSupervisor;
import io.kaged.persistence.audit.AuditLog;
import io.kaged.persistence.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
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
                            return new RetentionPass(
                                            store,
                                            runs,
                                            sessions,
                                            settings,
                                            audit,
                                            system,
                                            actor,
                                            limit,
                                            settings.policy().at(clock.instant()))
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
        return RetentionReport.Part.of(RetentionPass.trimmedRemoved(trims), null, null);
    }
}
