package io.kaged.http.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
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
    private final ObjectMapper mapper;

    public InfoRoutes(Supplier<Info> info, ObjectMapper mapper) {
        this.info = info;
        this.mapper = mapper;
    }

    public Route health() {
        return path("health", () -> get(() -> completeOK(new Health("ok"), Jackson.marshaller(mapper))));
    }

    public Route info() {
        return path("info", () -> get(() -> completeOK(info.get(), Jackson.marshaller(mapper))));
    }
}
