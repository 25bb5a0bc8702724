package io.kaged.persistence.serialization;

import java.io.NotSerializableException;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serialization$;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * Turns payloads into (serializer id, manifest, bytes) through Pekko serialization and back. Storing
 * the serializer id and manifest beside the bytes is what lets an event class be renamed or re-encoded
 * later: the row says how it was written.
 */
public final class PayloadCodec {

    /** A payload as stored. */
    public record Encoded(int serializerId, String manifest, byte[] bytes) {}

    private final ExtendedActorSystem system;
    private final Serialization serialization;
    private final JsonReaders json;

    public PayloadCodec(ActorSystem system) {
        this.system = (ExtendedActorSystem) system;
        this.serialization = SerializationExtension.get(system);
        this.json = JsonReaders.of(system, serialization).orElse(null);
    }

    public Encoded encode(Object payload) throws NotSerializableException {
        try {
            Serializer serializer = serialization.findSerializerFor(payload);
            String manifest = Serializers.manifestFor(serializer, payload);
            // As Serialization.serialize does: serializers of actor and stream references need the system.
            byte[] bytes = Serialization$.MODULE$.withTransportInformation(system, () -> serializer.toBinary(payload));
            return new Encoded(serializer.identifier(), manifest, bytes);
        } catch (RuntimeException e) {
            NotSerializableException n = new NotSerializableException(
                    "cannot serialize " + payload.getClass().getName() + ": " + e.getMessage());
            n.initCause(e);
            throw n;
        }
    }

    /**
     * @throws UndecodablePayloadException whatever the serializer threw, also the checked exceptions that
     *     Pekko's {@code Try.get} passes on undeclared, so callers (the snapshot store's fallback to an
     *     older snapshot) can rely on one runtime type
     */
    public Object decode(int serializerId, String manifest, byte[] bytes) {
        try {
            Object read = json == null ? null : json.read(serializerId, manifest, bytes);
            if (read != null) {
                return read;
            }
            Object decoded =
                    serialization.deserialize(bytes, serializerId, manifest).get();
            if (json != null) {
                json.learn(serializerId, manifest, decoded);
            }
            return decoded;
        } catch (Exception e) {
            throw new UndecodablePayloadException(serializerId, manifest, e);
        }
    }

    /** {@link #decode(int, String, byte[])} of a payload as stored. */
    public Object decode(Encoded encoded) {
        return decode(encoded.serializerId(), encoded.manifest(), encoded.bytes());
    }

    /** Whether payloads of {@code manifest} skip Pekko's checks now ({@link JsonReaders}): for tests. */
    boolean readsDirectly(String manifest) {
        return json != null && json.knows(manifest);
    }
}
