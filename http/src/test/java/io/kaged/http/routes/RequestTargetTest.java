package io.kaged.http.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RequestTargetTest {

    @Test
    void decodesPercentEscapesAsUtf8() {
        assertEquals("/v1/runs?project=\u00e9t\u00e9", RequestTarget.decode("/v1/runs?project=%C3%A9t%c3%a9"));
        assertEquals("/v1/runs?a=100%", RequestTarget.decode("/v1/runs?a=100%"));
        assertEquals("/a\u0000b", RequestTarget.decode("/a%00b"));
    }

    @Test
    void findsEscapesThatAreNotUtf8() {
        assertNull(RequestTarget.decode("/v1/runs?project=%C3%28"));
        assertNull(RequestTarget.decode("/v1/runs/%FF"));
        assertNull(RequestTarget.decode("/v1/runs?x=%C3"));
    }
}
