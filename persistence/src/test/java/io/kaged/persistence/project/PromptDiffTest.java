package io.kaged.persistence.project;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptDiffTest {

    private static PromptVersion v(int n, String body) {
        return new PromptVersion("id" + n, "proj", "review", n, body, "alice", Instant.EPOCH);
    }

    @Test
    void printsAUnifiedDiffWithThreeLinesOfContext() {
        String from = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n";
        String to = "one\ntwo\nthree\nfour\nFIVE\nsix\nseven\neight\nnine\n";
        assertEquals(
                """
                --- proj/review@1
                +++ proj/review@2
                @@ -2,7 +2,8 @@
                 two
                 three
                 four
                -five
                +FIVE
                 six
                 seven
                 eight
                +nine
                """,
                PromptDiff.unified(v(1, from), v(2, to)));
    }

    @Test
    void equalTextsHaveAnEmptyDiff() {
        assertEquals("", PromptDiff.unified(v(1, "same\n"), v(2, "same\n")));
    }

    @Test
    void marksALastLineWithoutNewline() {
        assertEquals(
                """
                --- proj/review@1
                +++ proj/review@2
                @@ -1,1 +1,1 @@
                -a
                \\ No newline at end of file
                +a
                """,
                PromptDiff.unified(v(1, "a"), v(2, "a\n")));
    }

    @Test
    void diffsFromAnEmptyText() {
        assertEquals(
                """
                --- proj/review@1
                +++ proj/review@2
                @@ -0,0 +1,2 @@
                +x
                +y
                """,
                PromptDiff.unified(v(1, ""), v(2, "x\ny\n")));
    }

    @Test
    void diffsToAnEmptyText() {
        assertEquals(
                """
                --- proj/review@1
                +++ proj/review@2
                @@ -1,1 +0,0 @@
                -x
                """,
                PromptDiff.unified(v(1, "x\n"), v(2, "")));
    }

    @Test
    void splitsLinesKeepingTheirEnds() {
        assertEquals(List.of("a\n", "\n", "b"), PromptDiff.lines("a\n\nb"));
        assertEquals(List.of(), PromptDiff.lines(""));
    }
}
