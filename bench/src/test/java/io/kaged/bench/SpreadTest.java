package io.kaged.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadTest {

    @Test
    void theMedianOfAnOddCountIsTheMiddleValueWhateverTheOrder() {
        Spread s = Spread.of(List.of(53_100.0, 46_922.0, 50_082.0));
        assertEquals(new Spread(50_082, 46_922, 53_100, 3), s);
        assertEquals("50,082 (46,922–53,100)", s.format());
    }

    @Test
    void theMedianOfAnEvenCountIsBetweenTheMiddleTwo() {
        assertEquals(15.0, Spread.of(List.of(40.0, 10.0, 20.0, 1.0)).median());
    }

    @Test
    void figuresCanBeShownInAnotherFormat() {
        assertEquals("31.4 (30.2–33.0)", Spread.of(List.of(33.04, 31.44, 30.17)).format("%.1f"));
        assertEquals("4.25", Spread.of(List.of(4.249)).format("%.2f"));
    }

    @Test
    void sharesAreShownAsARangeOfWholePercents() {
        assertEquals("0–7", Spread.of(List.of(0.021, 0.0, 0.069)).percentRange());
        assertEquals("3", Spread.of(List.of(0.031, 0.029)).percentRange());
    }

    @Test
    void oneRoundIsShownAsItsValueAlone() {
        assertEquals("421,395", Spread.of(List.of(421_395.0)).format());
    }

    @Test
    void noRoundsIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Spread.of(List.of()));
    }
}
