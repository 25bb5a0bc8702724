package io.kaged.http.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /v1/health} (open) and {@code GET /v1/info}. */
public final class InfoRoutes extends AllDirectives {

    /** What {@code /v1/info} answers. */
    public record Info(
            String version,
            String mode,
            String storage,
            String storageUrl,
            String schemaVersion,
            String startedAt,
            long uptimeSeconds,
            String sandbox,
            String limits) {}

    /** {@code ok}, or {@code degraded} with the reason while the store does not take writes. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Health(String status, String reason) {}

    private final Supplier<Info> info;
    private final Json json;
    private final io.kaged.persistence.store.StoreHealth store;

    public InfoRoutes(Supplier<Info> info, ObjectMapper mapper, io.kaged.persistence.store.StoreHealth store) {
        this.info = info;
        this.json = new Json(mapper);
        this.store = store;
    }

    /** Answers 200 either way: the daemon is up and reads work; {@code status} says whether writes do. */
    public Route health() {
        return path(
                "health",
                () -> get(() -> complete(json.reply(
                        StatusCodes.OK,
                        store.fault()
                                .map(f -> new Health("degraded", f.reason()))
                                .orElse(new Health("ok", null))))));
    }

    public Route info() {
        return path("info", () -> get(() -> complete(json.reply(StatusCodes.OK, info.get()))));
    }
}
