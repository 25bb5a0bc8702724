package io.kaged.persistence.journal;

import io.kaged.persistence.serialization.PayloadCodec.Encoded;

/** One event as stored, plus the event object itself so projections need not deserialize it again. */
record JournalRow(
        String persistenceId,
        long sequenceNr,
        String writerUuid,
        long writeTimestamp,
        String eventManifest,
        Encoded encoded,
        String tags,
        Object event) {}
