package io.kaged.persistence.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.jackson.JacksonMigration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Payloads decoded through Pekko's serializer and through {@link JsonReaders}' shortcut must be the same,
 * and the shortcut must never skip what Pekko would do: migrations, decompression, refusing bad JSON.
 */
class PayloadCodecTest {

    public record Note(String text, int n) implements KagedSerializable {}

    /** Version 2 renamed {@code name} to {@code title}; rows of version 1 have no suffix in their manifest. */
    public record Renamed(String title) implements KagedSerializable {}

    public static final class RenamedMigration extends JacksonMigration {
        @Override
        public int currentVersion() {
            return 2;
        }

        @Override
        public JsonNode transform(int fromVersion, JsonNode json) {
            ObjectNode node = (ObjectNode) json;
            if (fromVersion < 2) {
                node.set("title", node.remove("name"));
            }
            return node;
        }
    }

    private static ActorSystem system;
    private static PayloadCodec codec;

    @BeforeAll
    static void start() {
        system = ActorSystem.create(
                "codec",
                ConfigFactory.parseString("pekko.serialization.jackson.migrations {\n"
                                + "  \"" + Renamed.class.getName() + "\" = \"" + RenamedMigration.class.getName()
                                + "\"\n}")
                        .withFallback(ConfigFactory.load()));
        codec = new PayloadCodec(system);
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    private static Object decode(PayloadCodec.Encoded e) {
        return codec.decode(e.serializerId(), e.manifest(), e.bytes());
    }

    @Test
    void aClassReadOnceThroughPekkoIsReadDirectlyAfterwardsToTheSameValues() throws Exception {
        PayloadCodec.Encoded first = codec.encode(new Note("first", 1));
        assertFalse(codec.readsDirectly(first.manifest()), "nothing is known before the first read");
        assertEquals(new Note("first", 1), decode(first));
        assertTrue(codec.readsDirectly(first.manifest()), "learned from Pekko's read");
        for (int i = 0; i < 3; i++) {
            Note note = new Note("ü-" + i, i);
            assertEquals(note, decode(codec.encode(note)));
        }
    }

    @Test
    void aMigratedClassAlwaysGoesThroughItsMigration() {
        String manifest = Renamed.class.getName(); // version 1: no "#" suffix
        byte[] old = "{\"name\":\"kept\"}".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3; i++) {
            assertEquals(new Renamed("kept"), codec.decode(jsonId(), manifest, old), "read " + i);
        }
        assertFalse(codec.readsDirectly(manifest));
    }

    @Test
    void aCompressedPayloadIsStillDecompressedAfterTheClassIsKnown() throws Exception {
        decode(codec.encode(new Note("small", 0)));
        Note big = new Note("x".repeat(40 * 1024), 7);
        PayloadCodec.Encoded encoded = codec.encode(big);
        assertNotEquals('{', encoded.bytes()[0], "Pekko compresses payloads above 32 KiB");
        assertTrue(codec.readsDirectly(encoded.manifest()));
        assertEquals(big, decode(encoded));
    }

    public record Unseen(String text) implements KagedSerializable {}

    @Test
    void badJsonFailsWithOneExceptionTypeWhetherTheClassIsKnownOrNot() throws Exception {
        PayloadCodec.Encoded good = codec.encode(new Note("good", 1));
        decode(good);
        assertTrue(codec.readsDirectly(good.manifest()));
        byte[] bad = "{\"text\": oops".getBytes(StandardCharsets.UTF_8);
        // Pekko's own read throws Jackson's checked exception undeclared; both must come out the same.
        assertThrows(UndecodablePayloadException.class, () -> codec.decode(good.serializerId(), good.manifest(), bad));
        assertThrows(
                UndecodablePayloadException.class,
                () -> codec.decode(good.serializerId(), Unseen.class.getName(), bad));
    }

    public record WithRef(ActorRef<String> ref) implements KagedSerializable {}

    @Test
    void actorReferencesAreWrittenAndReadWithTheSystemAtHandEitherWay() throws Exception {
        ActorRef<String> ref = Adapter.toTyped(system.deadLetters());
        PayloadCodec.Encoded encoded = codec.encode(new WithRef(ref));
        assertEquals(ref.path(), ((WithRef) decode(encoded)).ref().path(), "through Pekko");
        assertTrue(codec.readsDirectly(encoded.manifest()));
        assertEquals(ref.path(), ((WithRef) decode(encoded)).ref().path(), "directly");
    }

    /**
     * The same serializer class under another binding name has settings of its own: its migrations must
     * not be missed by looking at {@code jackson-json}'s, so no shortcut is taken at all.
     */
    @Test
    void aBindingUnderAnotherNameIsAlwaysReadThroughPekko() {
        ActorSystem other = ActorSystem.create(
                "other",
                ConfigFactory.parseString("pekko.actor.serializers.kaged-json ="
                                + " \"org.apache.pekko.serialization.jackson.JacksonJsonSerializer\"\n"
                                + "pekko.actor.serialization-identifiers.kaged-json = 9901\n"
                                + "pekko.actor.serialization-bindings {\n"
                                + "  \"" + KagedSerializable.class.getName() + "\" = kaged-json\n}\n"
                                + "pekko.serialization.jackson.kaged-json.migrations {\n"
                                + "  \"" + Renamed.class.getName() + "\" = \"" + RenamedMigration.class.getName()
                                + "\"\n}")
                        .withFallback(ConfigFactory.load()));
        try {
            PayloadCodec own = new PayloadCodec(other);
            byte[] old = "{\"name\":\"kept\"}".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 3; i++) {
                assertEquals(new Renamed("kept"), own.decode(9901, Renamed.class.getName(), old), "read " + i);
            }
            assertFalse(own.readsDirectly(Renamed.class.getName()));
        } finally {
            other.terminate();
        }
    }

    @Test
    void otherSerializersAreUntouched() throws Exception {
        PayloadCodec.Encoded text = codec.encode("plain string");
        assertNotEquals(jsonId(), text.serializerId());
        assertEquals("plain string", decode(text));
        assertEquals("plain string", decode(text));
        assertArrayEquals("plain string".getBytes(StandardCharsets.UTF_8), text.bytes());
    }

    private static int jsonId() {
        try {
            return codec.encode(new Note("id", 0)).serializerId();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
