package io.kaged.persistence.journal;

import io.kaged.persistence.testing.TestEngine;

class SqliteJournalContractTest extends JournalContractTest {
    @Override
    TestEngine engine() {
        return TestEngine.SQLITE;
    }
}
