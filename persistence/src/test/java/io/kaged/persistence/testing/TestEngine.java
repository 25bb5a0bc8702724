package io.kaged.persistence.testing;

/** The engines every storage test runs on. */
public enum TestEngine {
    SQLITE,
    POSTGRESQL
}
