package io.kaged.actors.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SecretMaskTest {

    /** Feeds {@code text} to a mask in chunks cut at {@code cuts}, then drains; what a recorder would get. */
    private static String masked(List<String> secrets, String text, int... cuts) {
        SecretMask mask = new SecretMask(secrets);
        byte[] all = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int from = 0;
        for (int cut : cuts) {
            out.writeBytes(mask.next("stdout", java.util.Arrays.copyOfRange(all, from, cut)));
            from = cut;
        }
        out.writeBytes(mask.next("stdout", java.util.Arrays.copyOfRange(all, from, all.length)));
        mask.drain().values().forEach(out::writeBytes);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void masksAValueWholeOrSplitAcrossChunks() {
        List<String> s = List.of("sk-live-12345");
        assertEquals("key=*** end", masked(s, "key=sk-live-12345 end"));
        for (int cut = 1; cut < "key=sk-live-12345 end".length(); cut++) {
            assertEquals("key=*** end", masked(s, "key=sk-live-12345 end", cut), "cut at " + cut);
        }
        assertEquals("key=*** end", masked(s, "key=sk-live-12345 end", 5, 6, 7, 8, 9, 10, 11, 12));
    }

    @Test
    void holdsBackOnlyWhatCouldStartAValueAndShowsItWhenItDoesNot() {
        SecretMask mask = new SecretMask(List.of("abcdef"));
        assertEquals("xyz", new String(mask.next("stdout", "xyzab".getBytes(StandardCharsets.UTF_8))));
        assertEquals("abX", new String(mask.next("stdout", "X".getBytes(StandardCharsets.UTF_8))));
        assertEquals("tail", new String(mask.next("stdout", "tailab".getBytes(StandardCharsets.UTF_8))));
        assertEquals("ab", new String(mask.drain().get("stdout")));
    }

    @Test
    void streamsAreMaskedApartAndSeveralValuesAtOnce() {
        SecretMask mask = new SecretMask(List.of("token-one", "token-one-longer", "other"));
        assertEquals("", new String(mask.next("stdout", "token-".getBytes(StandardCharsets.UTF_8))));
        assertEquals("", new String(mask.next("stderr", "oth".getBytes(StandardCharsets.UTF_8))));
        assertEquals("***!", new String(mask.next("stdout", "one-longer!".getBytes(StandardCharsets.UTF_8))));
        assertEquals(
                "*** and ***",
                new String(mask.next("stderr", "er and token-one".getBytes(StandardCharsets.UTF_8)))
                        + new String(mask.drain().getOrDefault("stderr", new byte[0])));
    }

    @Test
    void noValueSurvivesAnyChunkingOfRandomOutput() {
        Random random = new Random(42);
        List<String> secrets = List.of("s3cr3t-value", "another-secret-longer-value");
        for (int round = 0; round < 200; round++) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                text.append(random.nextInt(4) == 0 ? secrets.get(random.nextInt(2)) : "x" + random.nextInt(1000));
                text.append(random.nextBoolean() ? "\n" : "s3c");
            }
            List<Integer> cuts = new ArrayList<>();
            int at = 0;
            while ((at += 1 + random.nextInt(15)) < text.length()) {
                cuts.add(at);
            }
            String out = masked(
                    secrets,
                    text.toString(),
                    cuts.stream().mapToInt(Integer::intValue).toArray());
            String expected = text.toString()
                    .replace("another-secret-longer-value", "***")
                    .replace("s3cr3t-value", "***");
            assertEquals(expected, out, "round " + round);
        }
    }
}
