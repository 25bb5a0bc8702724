package io.kaged.persistence.serialization;

/**
 * Marker for every message, event and snapshot state kaged stores or sends: bound once to Pekko's
 * Jackson JSON serializer in reference.conf. See docs/event-evolution.md for how such a class changes
 * without breaking old journals.
 */
public interface KagedSerializable {}
