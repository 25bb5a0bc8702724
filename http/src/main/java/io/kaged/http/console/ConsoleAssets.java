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
 * daemon runs. Each asset is kept gzipped too, compressed once, since the bundle is a few hundred KB of
 * script that gzip makes a quarter of: the console's first load over a slow link is mostly this.
 */
final class ConsoleAssets {

    record Asset(ContentType type, byte[] bytes, byte[] gzipped) {}

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
        return assets.computeIfAbsent(
                name, n -> read("assets/" + n).map(bytes -> new Asset(typeOf(n), bytes, gzip(bytes))));
    }

    /** Whether an {@code Accept-Encoding} header's value takes gzip (named, or {@code *}, and not with q=0). */
    static boolean acceptsGzip(String acceptEncoding) {
        for (String part : acceptEncoding.split(",")) {
            String[] fields = part.trim().split(";");
            String coding = fields[0].trim().toLowerCase(java.util.Locale.ROOT);
            if (coding.equals("gzip") || coding.equals("*")) {
                boolean refused = false;
                for (int i = 1; i < fields.length; i++) {
                    String param = fields[i].replace(" ", "");
                    refused |= param.matches("q=0(\\.0*)?");
                }
                return !refused;
            }
        }
        return false;
    }

    private static byte[] gzip(byte[] bytes) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(bytes.length / 3 + 64);
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot gzip a console asset in memory", e);
        }
        return out.toByteArray();
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
