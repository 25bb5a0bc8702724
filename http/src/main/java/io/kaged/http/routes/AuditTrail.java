package io.kaged.http.routes;

import io.kaged.persistence.audit.AuditLog;
import io.kaged.persistence.store.Store;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records every state-changing API request in the audit log, on the store's write lane. */
public final class AuditTrail {

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

    private final Store store;
    private final AuditLog audit;

    public AuditTrail(Store store, Clock clock) {
        this.store = store;
        this.audit = new AuditLog(clock);
    }

    public void record(String actor, String kind, String subject, String outcome, String detail) {
        store.write("audit", c -> audit.append(c, actor, kind, subject, outcome, detail))
                .whenComplete((entry, failure) -> {
                    if (failure != null) {
                        log.error("Could not write the audit row for {} {} ({})", kind, subject, outcome, failure);
                    }
                });
    }
}
