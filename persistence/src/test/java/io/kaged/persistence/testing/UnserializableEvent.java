package io.kaged.persistence.testing;

import io.kaged.persistence.serialization.KagedSerializable;

/** Bound to Jackson like every kaged event, but Jackson fails on it: the journal must reject it alone. */
public record UnserializableEvent(String text) implements KagedSerializable {
    @Override
    public String text() {
        throw new IllegalStateException("this event refuses to be serialized");
    }
}
