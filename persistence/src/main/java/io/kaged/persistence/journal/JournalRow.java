package io.kaged.persistence.journal;

import io.kaged.persistence.serialization.PayloadCodec.Encoded;

/**
 * One event as stored, plus the event object itself so projections need not deserialize it again.
 *
 * @param metadata Pekko's event metadata, serialized like the event; null when the event has none
 */
record JournalRow(
        String persistenceId,
        long sequenceNr,
        String writerUuid,
        long writeTimestamp,
        String eventManifest,
        Encoded encoded,
        Encoded metadata,
        String tags,
        Object event) {}
