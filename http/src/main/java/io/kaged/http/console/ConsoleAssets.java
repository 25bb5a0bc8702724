package io.kaged.http.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.MediaTypes;

/**
 * The built console in the jar ({@code console/} on the class path, written there by the front-end build):
 * the one page and its content-hashed assets, read once each and kept, since they never change while the
 * daemon runs.
 */
final class ConsoleAssets {

    record Asset(ContentType type, byte[] bytes) {}

    private static final String ROOT = "console/";

    private final Optional<byte[]> page = read("index.html");
    private final Map<String, Optional<Asset>> assets = new ConcurrentHashMap<>();

    /** The page, or empty in a build made with {@code -Dconsole.skip=true}. */
    Optional<byte[]> page() {
        return page;
    }

    /** {@code assets/<name>}; names are what the bundler wrote, so anything else is simply not there. */
    Optional<Asset> asset(String name) {
        if (!name.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9]+)+")) {
            return Optional.empty();
        }
        return assets.computeIfAbsent(name, n -> read("assets/" + n).map(bytes -> new Asset(typeOf(n), bytes)));
    }

    private static ContentType typeOf(String name) {
        if (name.endsWith(".js")) {
            return MediaTypes.APPLICATION_JAVASCRIPT.toContentType(HttpCharsets.UTF_8);
        }
        if (name.endsWith(".css")) {
            return MediaTypes.TEXT_CSS.toContentType(HttpCharsets.UTF_8);
        }
        if (name.endsWith(".txt")) {
            return ContentTypes.TEXT_PLAIN_UTF8;
        }
        return ContentTypes.APPLICATION_OCTET_STREAM;
    }

    private static Optional<byte[]> read(String path) {
        try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream(ROOT + path)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console's " + path + " from the class path", e);
        }
    }
}
