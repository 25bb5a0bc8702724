package io.kaged.persistence.store;

import org.apache.pekko.actor.setup.Setup;

/**
 * Storage settings handed to an actor system at creation, for programs (the daemon) that have already
 * resolved their store from their own environment and command line. Without it, the store extension
 * resolves settings from the system's config and the process environment.
 */
public final class StoreSetup extends Setup {

    private final StorageSettings settings;

    public StoreSetup(StorageSettings settings) {
        this.settings = settings;
    }

    public StorageSettings settings() {
        return settings;
    }
}
