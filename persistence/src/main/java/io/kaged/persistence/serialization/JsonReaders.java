package io.kaged.persistence.serialization;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serialization$;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.apache.pekko.serialization.jackson.JacksonSerializer;

/**
 * A shortcut for reading Pekko {@code jackson-json} payloads of a class that Pekko's serializer has
 * already read once. Through Pekko, a 126-byte event took 1.7–2.2 µs here, of which Jackson's read is
 * 0.6–0.7 µs: the rest goes to checks whose answer for one manifest never changes while the system runs
 * (the class looked up by name, 0.5–0.6 µs alone, the allow and deny lists, migrations, compression).
 *
 * <p>So the first payload of each manifest still goes through Pekko, with every check; once it has
 * succeeded, later payloads of that manifest are read by the very {@link ObjectMapper} Pekko's serializer
 * uses, with a reader made for the class. Only where Pekko would do nothing more than that read: the
 * manifest names the class itself (no version suffix, no Scala object), no migration is configured for
 * it, and the bytes are a plain JSON object (compressed payloads do not start with <code>{</code>).
 * Everything else, and a binding that is not Pekko's JSON serializer or not configured as usual, always
 * goes through Pekko.
 */
final class JsonReaders {

    private static final String BINDING = "jackson-json";
    private static final String SERIALIZER = "org.apache.pekko.serialization.jackson.JacksonJsonSerializer";

    private final ExtendedActorSystem system;
    private final int serializerId;
    private final ObjectMapper mapper;
    private final Set<String> migrated;
    private final ConcurrentHashMap<String, ObjectReader> readers = new ConcurrentHashMap<>();

    private JsonReaders(ExtendedActorSystem system, int serializerId, ObjectMapper mapper, Set<String> migrated) {
        this.system = system;
        this.serializerId = serializerId;
        this.mapper = mapper;
        this.migrated = migrated;
    }

    /**
     * Empty if kaged's payloads are not bound to Pekko's JSON serializer under its usual name and
     * settings. The mapper and settings are the bound serializer's own (an internal Pekko type, read
     * here because a second binding of the same class would have settings of its own).
     */
    static Optional<JsonReaders> of(ActorSystem system, Serialization serialization) {
        Serializer bound;
        try {
            bound = serialization.serializerFor(KagedSerializable.class);
        } catch (NotSerializableException unbound) {
            return Optional.empty();
        }
        if (!bound.getClass().getName().equals(SERIALIZER)
                || !(bound instanceof JacksonSerializer jackson)
                || !jackson.bindingName().equals(BINDING)) {
            return Optional.empty();
        }
        Config conf = JacksonObjectMapperProvider.configForBinding(
                jackson.bindingName(), system.settings().config());
        if (!conf.getBoolean("type-in-manifest")
                || !conf.getString("deserialization-type").isEmpty()) {
            return Optional.empty();
        }
        Set<String> migrated = Set.copyOf(conf.getConfig("migrations").root().keySet());
        return Optional.of(
                new JsonReaders((ExtendedActorSystem) system, bound.identifier(), jackson.objectMapper(), migrated));
    }

    /** The payload read directly, or null when it must go through Pekko. */
    Object read(int id, String manifest, byte[] bytes) {
        if (id != serializerId || bytes.length == 0 || bytes[0] != '{') {
            return null;
        }
        ObjectReader reader = readers.get(manifest);
        if (reader == null) {
            return null;
        }
        // As Pekko does around every read: its deserializers of actor and stream references need the system.
        return Serialization$.MODULE$.withTransportInformation(system, () -> {
            try {
                return reader.readValue(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Whether payloads of {@code manifest} are read directly now: for tests. */
    boolean knows(String manifest) {
        return readers.containsKey(manifest);
    }

    /** After Pekko has read {@code decoded} from a payload of {@code manifest}, for later payloads. */
    void learn(int id, String manifest, Object decoded) {
        if (id == serializerId
                && decoded.getClass().getName().equals(manifest)
                && manifest.indexOf('#') < 0
                && !manifest.endsWith("$")
                && !migrated.contains(manifest)) {
            readers.computeIfAbsent(manifest, m -> mapper.readerFor(decoded.getClass()));
        }
    }
}
