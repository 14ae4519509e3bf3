package dev.runcmd.agent.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Exponential backoff with full jitter: 0.5 s, doubling, capped at 30 s, reset after Welcome. */
class BackoffTest {

    @Test
    void delaysDoubleFromHalfASecondUpToThirtySeconds() {
        Backoff backoff = new Backoff(Backoff.INITIAL, Backoff.FACTOR, Backoff.CAP, () -> 1.0); // the top of each range

        assertEquals(500, backoff.next().toMillis());
        assertEquals(1000, backoff.next().toMillis());
        assertEquals(2000, backoff.next().toMillis());
        assertEquals(4000, backoff.next().toMillis());
        assertEquals(8000, backoff.next().toMillis());
        assertEquals(16000, backoff.next().toMillis());
        assertEquals(30000, backoff.next().toMillis());
        assertEquals(Duration.ofSeconds(30), backoff.ceiling(1_000));
    }

    @Test
    void jitterSpreadsTheWholeRangeFromZero() {
        Backoff low = new Backoff(Backoff.INITIAL, Backoff.FACTOR, Backoff.CAP, () -> 0.0);
        Backoff half = new Backoff(Backoff.INITIAL, Backoff.FACTOR, Backoff.CAP, () -> 0.5);

        assertEquals(Duration.ZERO, low.next());
        assertEquals(Duration.ofMillis(250), half.next());
        assertEquals(Duration.ofMillis(500), half.next());
    }

    @Test
    void resetStartsOver() {
        Backoff backoff = new Backoff(Backoff.INITIAL, Backoff.FACTOR, Backoff.CAP, () -> 0.5);
        backoff.next();
        backoff.next();
        backoff.next();

        backoff.reset();

        assertEquals(0, backoff.attempts());
        assertEquals(Duration.ofMillis(250), backoff.next());
    }
}
