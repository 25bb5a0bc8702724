package io.kaged.persistence.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.persistence.testing.TestDatabases;
import io.kaged.persistence.testing.TestEngine;
import io.kaged.persistence.testing.TestSystems;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StoreLockTest {

    @TempDir
    Path home;

    private StorageTarget target(TestEngine engine) {
        return StorageSettings.fromConfig(TestSystems.config(TestDatabases.newStoreUrl(engine, home), home), Map.of())
                .target();
    }

    @ParameterizedTest
    @EnumSource(TestEngine.class)
    void aHeldStoreCannotBeTakenUntilReleased(TestEngine engine) {
        StorageTarget target = target(engine);
        try (StoreLock first = StoreLock.tryAcquire(target).orElseThrow()) {
            assertTrue(StoreLock.tryAcquire(target).isEmpty(), "a second holder was let in");
        }
        try (StoreLock again = StoreLock.tryAcquire(target).orElseThrow()) {
            assertTrue(again != null);
        }
    }

    /**
     * The daemon's stop() and its termination callback close the same lock at once; whichever returns,
     * the store must already be free, or a daemon started right after finds it held. The release is made
     * slow here, as an unlock over a busy network is.
     */
    @Test
    void aSecondCloseReturnsOnlyOnceTheFirstHasReleased() throws Exception {
        CountDownLatch releasing = new CountDownLatch(1);
        AtomicBoolean released = new AtomicBoolean();
        StoreLock lock = new StoreLock(() -> {
            releasing.countDown();
            Thread.sleep(300);
            released.set(true);
        });
        CompletableFuture<Void> callback = CompletableFuture.runAsync(lock::close);
        releasing.await();
        lock.close();
        assertTrue(released.get(), "close() returned while the other caller was still releasing the store");
        callback.join();
    }
}
