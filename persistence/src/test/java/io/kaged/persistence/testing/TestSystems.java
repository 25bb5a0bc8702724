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

    /**
     * {@link #config} plus what Pekko's plugin TCK sets (JournalSpec.config, SnapshotStoreSpec.config):
     * plugin commands published on the event stream, and a payload whose serializer needs the system.
     */
    public static Config pluginContract(String storeUrl, Path home) {
        return ConfigFactory.parseString("pekko.persistence.publish-plugin-commands = on\n"
                        + "pekko.actor.serializers.kaged-test-payload = \"" + TestPayloadSerializer.class.getName()
                        + "\"\n"
                        + "pekko.actor.serialization-bindings { \"" + TestPayload.class.getName()
                        + "\" = kaged-test-payload }\n")
                .withFallback(config(storeUrl, home));
    }
}
