package io.kaged.persistence.store;

import com.github.f4b6a3.uuid.UuidCreator;

/** App-generated ids: UUIDv7, so they sort by creation time on both engines. */
public final class Ids {
    private Ids() {}

    public static String newId() {
        return UuidCreator.getTimeOrderedEpoch().toString();
    }
}
