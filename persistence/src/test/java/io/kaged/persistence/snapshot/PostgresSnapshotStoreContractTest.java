package io.kaged.persistence.snapshot;

import io.kaged.persistence.testing.TestEngine;

class PostgresSnapshotStoreContractTest extends SnapshotStoreContractTest {
    @Override
    TestEngine engine() {
        return TestEngine.POSTGRESQL;
    }
}
