package io.kaged.http.routes;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Refuses a request target whose percent-escapes are not UTF-8 ({@code ?project=%C3%28}). Pekko decodes
 * such escapes leniently into U+FFFD, so a client's mistake would silently become a different value; it
 * reads the target as sent from the {@code Raw-Request-URI} header that {@link
 * io.kaged.http.HttpServerSettings} has Pekko add.
 */
final class RequestTarget extends AllDirectives {

    static final String RAW_HEADER = "Raw-Request-URI";

    Route utf8(java.util.function.Supplier<Route> inner) {
        return optionalHeaderValueByName(
                RAW_HEADER,
                (Optional<String> raw) -> raw.isPresent() && !isUtf8(raw.get())
                        ? complete(Problem.response(
                                StatusCodes.BAD_REQUEST,
                                "The request's URI holds percent-escapes that are not UTF-8; encode path and query values"
                                        + " as UTF-8 before percent-encoding them."))
                        : inner.get());
    }

    static boolean isUtf8(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length() && hex(raw.charAt(i + 1)) >= 0 && hex(raw.charAt(i + 2)) >= 0) {
                bytes.write(hex(raw.charAt(i + 1)) * 16 + hex(raw.charAt(i + 2)));
                i += 2;
            } else {
                byte[] own = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(own, 0, own.length);
            }
        }
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
