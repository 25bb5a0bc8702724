package io.kaged.persistence.store;

import java.sql.SQLTransientException;

/**
 * A write the store refused before trying it, because it does not take writes now ({@link StoreHealth}):
 * nothing of it was written. Writes queued behind one that found the fault fail at once this way, instead
 * of each waiting out the pool's connection time-out against a server that is gone.
 */
public final class WriteRefused extends SQLTransientException {

    private final transient StoreHealth.Fault fault;

    public WriteRefused(StoreHealth.Fault fault) {
        super(fault.reason());
        this.fault = fault;
    }

    public StoreHealth.Fault fault() {
        return fault;
    }
}
