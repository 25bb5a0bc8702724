package io.kaged.persistence.store;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

/**
 * The store of an actor system: opened (and migrated) on first use from {@code kaged.storage}, closed when
 * the system terminates. Settings come from a {@link StoreSetup} if the system was created with one. The journal, the snapshot store and the query side all share it, so the daemon
 * has one pool and one migration run.
 */
public final class StoreExtension implements Extension {

    public static final Id ID = new Id();

    private final Store store;

    private StoreExtension(ExtendedActorSystem system) {
        Optional<StoreSetup> setup = system.settings().setup().get(StoreSetup.class);
        Optional<CompletableFuture<Store>> opening = setup.flatMap(StoreSetup::opening);
        if (opening.isPresent()) {
            this.store = opened(opening.get());
        } else {
            this.store = Store.open(setup.map(StoreSetup::settings)
                    .orElseGet(
                            () -> StorageSettings.fromConfig(system.settings().config())));
        }
        system.registerOnTermination(store::close);
    }

    private static Store opened(CompletableFuture<Store> opening) {
        try {
            return opening.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure; // as Store.open would have thrown it here
            }
            throw e;
        }
    }

    public static Store store(ActorSystem system) {
        return ID.get(system).store;
    }

    public static final class Id extends AbstractExtensionId<StoreExtension> implements ExtensionIdProvider {
        @Override
        public StoreExtension createExtension(ExtendedActorSystem system) {
            return new StoreExtension(system);
        }

        @Override
        public Id lookup() {
            return ID;
        }
    }
}
