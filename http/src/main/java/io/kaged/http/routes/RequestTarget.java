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
 * Refuses a request target whose percent-escapes are not UTF-8 ({@code ?project=%C3%28}) or hold the NUL
 * character ({@code %00}). Pekko decodes bad escapes leniently into U+FFFD, so a client's mistake would
 * silently become a different value; and no id, name or filter of kaged holds NUL, which PostgreSQL text
 * cannot store or compare. It reads the target as sent from the {@code Raw-Request-URI} header that {@link
 * io.kaged.http.HttpServerSettings} has Pekko add.
 */
final class RequestTarget extends AllDirectives {

    static final String RAW_HEADER = "Raw-Request-URI";

    Route utf8(java.util.function.Supplier<Route> inner) {
        return optionalHeaderValueByName(RAW_HEADER, (Optional<String> raw) -> {
            if (raw.isEmpty()) {
                return inner.get();
            }
            String text = decode(raw.get());
            if (text == null) {
                return complete(Problem.response(
                        StatusCodes.BAD_REQUEST,
                        "The request's URI holds percent-escapes that are not UTF-8; encode path and query values"
                                + " as UTF-8 before percent-encoding them."));
            }
            if (text.indexOf('\0') >= 0) {
                return complete(Problem.response(
                        StatusCodes.BAD_REQUEST,
                        "The request's URI holds the NUL character (%00); no id, name or parameter of kaged does."));
            }
            return inner.get();
        });
    }

    /** The target with its percent-escapes decoded as UTF-8; null if they are not UTF-8. */
    static String decode(String raw) {
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
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
