package io.kaged.persistence.testing;

import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serialization$;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * The Pekko TCK's test serializer, in Java: it refuses to run unless the caller set Pekko's transport
 * information (the system that actor references resolve in), as a plugin must around every
 * {@code toBinary} and {@code fromBinary}.
 */
public final class TestPayloadSerializer extends SerializerWithStringManifest {

    private final ExtendedActorSystem system;

    public TestPayloadSerializer(ExtendedActorSystem system) {
        this.system = system;
    }

    @Override
    public int identifier() {
        return 666;
    }

    @Override
    public String manifest(Object o) {
        return "A";
    }

    @Override
    public byte[] toBinary(Object o) {
        verifyTransportInfo();
        if (!(o instanceof TestPayload payload)) {
            throw new IllegalArgumentException("not a TestPayload: " + o);
        }
        return Serialization.serializedActorPath(payload.ref()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        verifyTransportInfo();
        if (!"A".equals(manifest)) {
            throw new NotSerializableException("unknown manifest " + manifest);
        }
        return new TestPayload(system.provider().resolveActorRef(new String(bytes, StandardCharsets.UTF_8)));
    }

    private void verifyTransportInfo() {
        Serialization.Information info =
                Serialization$.MODULE$.currentTransportInformation().value();
        if (info == null) {
            throw new IllegalStateException("currentTransportInformation was not set");
        }
        if (info.system() != system) {
            throw new IllegalStateException("wrong system in currentTransportInformation: " + info.system());
        }
        if (!info.address().equals(system.provider().getDefaultAddress())) {
            throw new IllegalStateException("wrong address in currentTransportInformation: " + info.address());
        }
    }
}
