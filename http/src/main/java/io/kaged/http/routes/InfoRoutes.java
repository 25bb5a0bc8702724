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
            long uptimeSeconds) {}

    public record Health(String status) {}

    private final Supplier<Info> info;
    private final Json json;

    public InfoRoutes(Supplier<Info> info, ObjectMapper mapper) {
        this.info = info;
        this.json = new Json(mapper);
    }

    public Route health() {
        return path("health", () -> get(() -> complete(json.reply(StatusCodes.OK, new Health("ok")))));
    }

    public Route info() {
        return path("info", () -> get(() -> complete(json.reply(StatusCodes.OK, info.get()))));
    }
}
