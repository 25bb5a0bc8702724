package io.kaged.http;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.settings.ServerSettings;

/**
 * Pekko HTTP's server settings as kaged binds with them: the ones from the config, with the parsing
 * error handler that answers problem+json, and the request target as sent in a {@code Raw-Request-URI}
 * header (the routes refuse percent-escapes that are not UTF-8, which Pekko would decode leniently). Bind with {@code newServerAt(..).withSettings(create(system))}.
 */
public final class HttpServerSettings {

    private HttpServerSettings() {}

    public static ServerSettings create(ActorSystem<?> system) {
        return ServerSettings.create(system.classicSystem())
                .withParsingErrorHandler(ProblemParsingErrorHandler.class.getName())
                .withRawRequestUriHeader(true);
    }
}
