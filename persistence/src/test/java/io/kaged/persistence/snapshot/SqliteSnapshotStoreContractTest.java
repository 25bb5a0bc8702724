package io.kaged.persistence.snapshot;

import io.kaged.persistence.testing.TestEngine;

class SqliteSnapshotStoreContractTest extends SnapshotStoreContractTest {
    @Override
    TestEngine engine() {
        return TestEngine.SQLITE;
    }
}
