package io.kaged.http.routes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /v1/openapi.json}: the API's OpenAPI document, a hand-written resource served byte for byte.
 * Hand-written, not generated: the routes are plain Pekko directives with no annotations to generate from,
 * and a generator would be a framework to keep in step instead. The daemon's {@code OpenApiTest} keeps it
 * honest: every documented operation must answer as documented and every route must be documented.
 */
public final class OpenApiRoutes extends AllDirectives {

    /** Where the document lives on the classpath. */
    public static final String RESOURCE = "/io/kaged/http/openapi.json";

    private final HttpResponse document;

    public OpenApiRoutes() {
        this.document = HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, load()));
    }

    public Route route() {
        return path("openapi.json", () -> get(() -> complete(document)));
    }

    /** The document's bytes; a jar without it is a build mistake, reported at start. */
    public static byte[] load() {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI document " + RESOURCE + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the OpenAPI document " + RESOURCE, e);
        }
    }
}
