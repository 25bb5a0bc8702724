package io.kaged.http.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * JSON in and out for every route: request bodies through {@link JsonBodies}' strict rules, answers
 * written with the daemon's mapper. The body is already in memory ({@link RequestBodies} read it, within
 * {@code kaged.http.max-body}), so reading it here never waits.
 */
final class Json extends AllDirectives {

    private final ObjectMapper mapper;

    Json(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    HttpResponse reply(StatusCode status, Object body) {
        try {
            return HttpResponse.create()
                    .withStatus(status)
                    .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, mapper.writeValueAsBytes(body)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("response body does not serialize", e);
        }
    }

    /** The request's body as a {@code type}; a 400 problem naming the mistake if it is not one. */
    <T> Route body(Class<T> type, Function<T, Route> inner) {
        return bytes(raw -> inner.apply(JsonBodies.parse(raw, type)));
    }

    /** Like {@link #body}, with null for an empty body. */
    <T> Route optionalBody(Class<T> type, Function<T, Route> inner) {
        return bytes(raw -> inner.apply(JsonBodies.isBlank(raw) ? null : JsonBodies.parse(raw, type)));
    }

    private Route bytes(Function<byte[], Route> inner) {
        return extractRequestEntity(entity -> {
            if (entity instanceof HttpEntity.Strict strict) {
                return inner.apply(strict.getData().toArray());
            }
            if (entity.isKnownEmpty()) {
                return inner.apply(new byte[0]);
            }
            throw new IllegalStateException("the request body was not read before routing; see RequestBodies");
        });
    }
}
