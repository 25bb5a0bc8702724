package io.kaged.daemon.serve;

import com.typesafe.config.ConfigException;
import io.kaged.actors.ActorSettings;
import io.kaged.daemon.config.LoadedConfig;
import io.kaged.http.HttpSettings;
import io.kaged.http.tls.ServerTls;
import io.kaged.http.tls.TlsException;
import io.kaged.persistence.store.StorageSettings;

/** Every setting of a daemon, read once at start; a missing or bad key stops the start, naming it. */
record DaemonSettings(StorageSettings storage, ActorSettings actors, HttpSettings http) {

    static DaemonSettings of(LoadedConfig loaded, Integer portOverride) {
        StorageSettings storage = StorageSettings.fromConfig(loaded.config(), loaded.env());
        try {
            HttpSettings http = HttpSettings.fromConfig(loaded.config());
            // TLS mistakes stop the start before the store is opened, each with what to do about it
            http.tls().refusal(http.host()).ifPresent(why -> {
                throw new DaemonStartException(why, null);
            });
            if (http.tls().enabled()) {
                ServerTls.context(http.tls());
            }
            return new DaemonSettings(
                    storage,
                    ActorSettings.fromConfig(loaded.config()),
                    portOverride == null ? http : http.withPort(portOverride));
        } catch (TlsException e) {
            throw new DaemonStartException("TLS: " + e.getMessage(), e);
        } catch (ConfigException | IllegalArgumentException e) {
            throw new DaemonStartException("bad setting: " + e.getMessage(), e);
        }
    }
}
