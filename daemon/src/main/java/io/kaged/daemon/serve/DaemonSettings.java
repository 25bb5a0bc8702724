package io.kaged.daemon.serve;

import com.typesafe.config.ConfigException;
import io.kaged.actors.ActorSettings;
import io.kaged.daemon.config.LoadedConfig;
import io.kaged.http.HttpSettings;
import io.kaged.persistence.store.StorageSettings;

/** Every setting of a daemon, read once at start; a missing or bad key stops the start, naming it. */
record DaemonSettings(StorageSettings storage, ActorSettings actors, HttpSettings http) {

    static DaemonSettings of(LoadedConfig loaded, Integer portOverride) {
        StorageSettings storage = StorageSettings.fromConfig(loaded.config(), loaded.env());
        try {
            HttpSettings http = HttpSettings.fromConfig(loaded.config());
            return new DaemonSettings(
                    storage,
                    ActorSettings.fromConfig(loaded.config()),
                    portOverride == null ? http : http.withPort(portOverride));
        } catch (ConfigException e) {
            throw new DaemonStartException("bad setting: " + e.getMessage(), e);
        }
    }
}
