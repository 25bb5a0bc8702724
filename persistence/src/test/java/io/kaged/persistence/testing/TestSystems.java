package io.kaged.persistence.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.kaged.persistence.journal.JournalProjection;
import io.kaged.persistence.journal.JournalSetup;
import java.nio.file.Path;
import java.util.List;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Actor systems for tests: a store URL and a home folder, and the journal's projections if any. */
public final class TestSystems {
    private TestSystems() {}

    public static Config config(String storeUrl, Path home) {
        return ConfigFactory.empty()
                .withValue("kaged.storage.url", ConfigValueFactory.fromAnyRef(storeUrl))
                .withValue("kaged.home", ConfigValueFactory.fromAnyRef(home.toString()))
                .withFallback(ConfigFactory.load());
    }

    /** A test kit on a system whose journal applies {@code projections}, handed over as the daemon does. */
    public static ActorTestKit kit(String name, Config config, List<JournalProjection> projections) {
        return ActorTestKit.create(ActorSystem.create(
                Behaviors.empty(),
                name,
                ActorSystemSetup.create(BootstrapSetup.create(config), new JournalSetup(projections))));
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
