package io.kaged.persistence.journal;

import io.kaged.persistence.testing.TestEngine;

class PostgresJournalContractTest extends JournalContractTest {
    @Override
    TestEngine engine() {
        return TestEngine.POSTGRESQL;
    }
}
