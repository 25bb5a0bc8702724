package io.kaged.http.routes;

import io.kaged.http.HttpSettings;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.util.ByteString;

/**
 * Reads each request's body whole before any route sees it, so every route works on bytes in memory and a
 * body too large is refused in one place with kaged's own key.
 *
 * <p>A body over {@code kaged.http.max-body} is still read to its end (up to {@code max-body-drain}) and
 * thrown away before the 413 is sent. Answering early and closing would leave the rest of the body unread
 * in the socket, and closing a socket with unread data resets the connection: the client, still sending,
 * then often loses the 413 it was sent. A body declared larger than the drain bound is answered at once,
 * and the connection closes.
 */
final class RequestBodies extends AllDirectives {

    private final long maxBytes;
    private final long drainBytes;

    RequestBodies(HttpSettings settings) {
        this.maxBytes = settings.maxBodyBytes();
        this.drainBytes = settings.drainBytes();
    }

    /** {@code inner} with the request's entity made strict, or a 413 problem. */
    Route strict(java.util.function.Supplier<Route> inner) {
        return extractRequestEntity(entity -> {
            if (entity.isKnownEmpty()) {
                return inner.get();
            }
            if (entity instanceof HttpEntity.Strict strict) {
                return strict.getData().length() > maxBytes ? complete(tooLarge()) : inner.get();
            }
            OptionalLong declared = entity.getContentLengthOption();
            if (declared.isPresent() && declared.getAsLong() > drainBytes) {
                return complete(tooLarge());
            }
            return extractMaterializer(mat -> onSuccess(
                    read(entity, mat),
                    body -> body == null
                            ? complete(tooLarge())
                            : mapRequest(request -> request.withEntity(body), inner)));
        });
    }

    /** The body, or null when it is over the limit (and has been drained). */
    private CompletionStage<HttpEntity.Strict> read(RequestEntity entity, Materializer mat) {
        return entity.withSizeLimit(drainBytes)
                .getDataBytes()
                .runFold(Read.EMPTY, (read, chunk) -> read.add(chunk, maxBytes), mat)
                .handle((read, failure) -> {
                    if (failure == null) {
                        return CompletableFuture.completedFuture(
                                read.bytes() == null
                                        ? null
                                        : HttpEntities.create(entity.getContentType(), read.bytes()));
                    }
                    Throwable cause =
                            failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                                    ? failure.getCause()
                                    : failure;
                    if (cause instanceof EntityStreamSizeException) {
                        return CompletableFuture.<HttpEntity.Strict>completedFuture(null);
                    }
                    return CompletableFuture.<HttpEntity.Strict>failedFuture(cause);
                })
                .thenCompose(stage -> stage);
    }

    /** What has been read: the bytes while within the limit, then only a count. */
    private record Read(ByteString bytes, long total) {
        static final Read EMPTY = new Read(ByteString.emptyByteString(), 0);

        Read add(ByteString chunk, long limit) {
            long now = total + chunk.length();
            return new Read(bytes == null || now > limit ? null : bytes.concat(chunk), now);
        }
    }

    HttpResponse tooLarge() {
        return Problem.response(
                StatusCodes.PAYLOAD_TOO_LARGE,
                "The request body is larger than " + HttpSettings.MAX_BODY_KEY + " allows (" + size(maxBytes)
                        + "). Send a smaller body, or raise " + HttpSettings.MAX_BODY_KEY + " in kaged.conf.");
    }

    static String size(long bytes) {
        if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + " MiB";
        }
        if (bytes >= 1024 && bytes % 1024 == 0) {
            return bytes / 1024 + " KiB";
        }
        return bytes + " bytes";
    }
}
