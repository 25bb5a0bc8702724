package io.kaged.http.routes;

import io.kaged.persistence.audit.AuditEntry;
import io.kaged.persistence.audit.AuditLog;
import io.kaged.persistence.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every state-changing API request in the audit log, on the store's write lane. Entries are
 * stamped when the request is answered and written in groups: under load one transaction carries all the
 * entries that arrived while the previous one committed, instead of one commit each.
 */
public final class AuditTrail {

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

    private final Store store;
    private final AuditLog audit;
    private final ConcurrentLinkedQueue<AuditEntry> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainQueued = new AtomicBoolean();

    public AuditTrail(Store store, Clock clock) {
        this.store = store;
        this.audit = new AuditLog(clock);
    }

    public void record(String actor, String kind, String subject, String outcome, String detail) {
        pending.add(audit.entry(actor, kind, subject, outcome, detail));
        if (drainQueued.compareAndSet(false, true)) {
            store.lane(store.laneFor("audit")).execute(this::writeGroup);
        }
    }

    /** On the audit's write lane: everything pending in one transaction; if that fails, each on its own. */
    private void writeGroup() {
        // cleared before draining: an entry added from now on queues the next group
        drainQueued.set(false);
        List<AuditEntry> group = drain();
        if (group.isEmpty()) {
            return;
        }
        try {
            store.inTransaction(c -> {
                AuditLog.insert(c, group);
                return null;
            });
        } catch (java.sql.SQLException | RuntimeException groupFailure) {
            java.util.Optional<io.kaged.persistence.store.StoreHealth.Fault> fault =
                    store.health().faultIn(groupFailure);
            if (fault.isPresent()) {
                // each row on its own would meet the same fault: one line says what is lost, and why
                log.warn(
                        "Could not write {} audit row(s) ({}): {}",
                        group.size(),
                        group.stream()
                                .map(e -> e.kind() + " " + e.subject() + " " + e.outcome())
                                .distinct()
                                .limit(5)
                                .collect(java.util.stream.Collectors.joining(", ")),
                        fault.get().reason());
                return;
            }
            for (AuditEntry e : group) {
                try {
                    store.inTransaction(c -> {
                        AuditLog.insert(c, List.of(e));
                        return null;
                    });
                } catch (java.sql.SQLException | RuntimeException failure) {
                    log.error(
                            "Could not write the audit row for {} {} ({})",
                            e.kind(),
                            e.subject(),
                            e.outcome(),
                            failure);
                }
            }
        }
    }

    private List<AuditEntry> drain() {
        List<AuditEntry> group = new ArrayList<>();
        for (AuditEntry e = pending.poll(); e != null; e = pending.poll()) {
            group.add(e);
        }
        return group;
    }
}
