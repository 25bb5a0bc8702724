package io.kaged.http.routes;

import io.kaged.persistence.store.StoreHealth;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The store-fault answer of a route that writes the store itself, with no actor between (projects, the
 * deletion of a purge, a retention run): what {@link ActorCalls} does for actors. While the store does not
 * take writes the request is refused before anything is tried (507 for a full disk, else 503 with
 * Retry-After, naming the cause); a write that fails because of the store is answered the same way. The
 * store writes a route's rows and their audit row in one transaction, so a refused request leaves nothing.
 */
final class StoreWrites {

    private final StoreHealth health;

    StoreWrites(StoreHealth health) {
        this.health = health;
    }

    /** The fault now, as the answer to a write: refused without trying. */
    Optional<HttpResponse> refusal() {
        return health.fault().map(Problem::storeFault);
    }

    /** {@code write}'s answer, or the store's fault if there is one now or the write met one. */
    CompletionStage<HttpResponse> write(Supplier<CompletionStage<HttpResponse>> write) {
        return write(write, "nothing was recorded or started");
    }

    /**
     * As {@link #write(Supplier)}, for work of several transactions: {@code outcome} says what is left when
     * the store fails half-way (what is refused up front is always "nothing").
     */
    CompletionStage<HttpResponse> write(Supplier<CompletionStage<HttpResponse>> write, String outcome) {
        Optional<HttpResponse> refused = refusal();
        if (refused.isPresent()) {
            return CompletableFuture.completedFuture(refused.get());
        }
        return write.get().handle((answer, failure) -> {
            if (failure == null) {
                return answer;
            }
            Optional<StoreHealth.Fault> fault = health.faultIn(failure);
            if (fault.isPresent()) {
                return Problem.storeFault(fault.get(), outcome);
            }
            throw failure instanceof CompletionException c ? c : new CompletionException(failure);
        });
    }
}
