package io.kaged.persistence.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;

/** Actor-system config for tests: a store URL and a home folder, nothing else. */
public final class TestSystems {
    private TestSystems() {}

    public static Config config(String storeUrl, Path home) {
        return ConfigFactory.empty()
                .withValue("kaged.storage.url", ConfigValueFactory.fromAnyRef(storeUrl))
                .withValue("kaged.home", ConfigValueFactory.fromAnyRef(home.toString()))
                .withFallback(ConfigFactory.load());
    }
}
