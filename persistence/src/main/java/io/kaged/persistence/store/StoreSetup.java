package io.kaged.persistence.store;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.setup.Setup;

/**
 * Storage settings handed to an actor system at creation, for programs (the daemon) that have already
 * resolved their store from their own environment and command line. Without it, the store extension
 * resolves settings from the system's config and the process environment.
 */
public final class StoreSetup extends Setup {

    private final StorageSettings settings;
    private final CompletableFuture<Store> opening;

    public StoreSetup(StorageSettings settings) {
        this(settings, null);
    }

    /**
     * @param opening the store being opened (and migrated) on another thread while the actor system starts:
     *     the two take about as long, and a daemon's start waits for both
     */
    public StoreSetup(StorageSettings settings, CompletableFuture<Store> opening) {
        this.settings = settings;
        this.opening = opening;
    }

    public StorageSettings settings() {
        return settings;
    }

    /** The store opened ahead of the extension, if the program opened it. */
    public Optional<CompletableFuture<Store>> opening() {
        return Optional.ofNullable(opening);
    }
}
