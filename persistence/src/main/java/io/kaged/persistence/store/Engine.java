package io.kaged.persistence.store;

/** The two storage engines kaged runs on. Everything engine-specific branches on this. */
public enum Engine {
    SQLITE("sqlite"),
    POSTGRESQL("postgresql");

    private final String label;

    Engine(String label) {
        this.label = label;
    }

    /** The lower-case name shown to operators and used in config and API answers. */
    public String label() {
        return label;
    }
}
