package io.kaged.persistence.testing;

import io.kaged.persistence.serialization.KagedSerializable;

/** A small event for journal tests, serialized by Jackson like kaged's own events. */
public record TestEvent(String text, long group, int index, int size) implements KagedSerializable {
    public static TestEvent of(String text) {
        return new TestEvent(text, 0, 0, 1);
    }
}
