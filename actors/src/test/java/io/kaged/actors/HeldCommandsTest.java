package io.kaged.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class HeldCommandsTest {

    private static final ActorTestKit testKit = ActorTestKit.create();

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    @Test
    void commandsForAHeldIdWaitAndGoOutInOrderToWhoeverIsThereOnRelease() {
        HeldCommands<String> held = new HeldCommands<>();
        TestProbe<String> before = testKit.createTestProbe();
        TestProbe<String> after = testKit.createTestProbe();

        held.deliver("a", "one", before::getRef);
        before.expectMessage("one");

        held.hold("a");
        held.hold("a"); // twice: still one queue, nothing lost
        held.deliver("a", "two", before::getRef);
        held.deliver("a", "three", before::getRef);
        held.deliver("b", "other", before::getRef);
        before.expectMessage("other");
        before.expectNoMessage(Duration.ofMillis(100));
        assertTrue(held.isHolding("a"));

        held.releaseTo("a", after::getRef);
        after.expectMessage("two");
        after.expectMessage("three");
        assertFalse(held.isHolding("a"));
        held.deliver("a", "four", after::getRef);
        after.expectMessage("four");
    }

    @Test
    void releasingWithNothingWaitingAsksForNoActor() {
        HeldCommands<String> held = new HeldCommands<>();
        AtomicInteger asked = new AtomicInteger();
        held.hold("a");
        held.releaseTo("a", () -> {
            asked.incrementAndGet();
            return testKit.<String>createTestProbe().getRef();
        });
        held.releaseTo("never-held", () -> {
            asked.incrementAndGet();
            return null;
        });
        assertEquals(0, asked.get());
        assertEquals(List.of(), held.release("a"));
    }
}
