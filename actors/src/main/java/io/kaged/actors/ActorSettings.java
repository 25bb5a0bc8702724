package io.kaged.actors;

import com.typesafe.config.Config;
import io.kaged.actors.retention.RetentionSettings;
import io.kaged.actors.run.RunSettings;
import io.kaged.actors.session.SessionSettings;

/** Every setting the actors module reads, read once from the daemon's config ({@code kaged.sessions}, …). */
public record ActorSettings(SessionSettings sessions, RunSettings runs, RetentionSettings retention) {

    /** @throws com.typesafe.config.ConfigException naming the key, when one is missing or bad */
    public static ActorSettings fromConfig(Config config) {
        return new ActorSettings(
                SessionSettings.fromConfig(config),
                RunSettings.fromConfig(config),
                RetentionSettings.fromConfig(config));
    }
}
