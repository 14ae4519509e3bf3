package dev.runcmd.control.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token buckets per client on a hand-driven clock: burst, refill, Retry-After, independence and the bound. */
class ClientRateLimiterTest {

    private static final long SECOND = 1_000_000_000L;

    /** Starts near the end of the nanoTime range, so that the arithmetic is checked across the wrap. */
    private final AtomicLong clock = new AtomicLong(Long.MAX_VALUE - 5 * SECOND);

    @Test
    void aFullBurstPassesThenTheNextRequestWaitsOneToken() {
        ClientRateLimiter limiter = new ClientRateLimiter(2, 3, 10, clock::get);

        assertEquals(0, refusedOf(limiter, "a", 3), "the burst of 3 passes");
        assertEquals(1, limiter.acquire("a"), "the 4th waits half a second: Retry-After rounds up to 1 s");
        clock.addAndGet(SECOND / 2);
        assertEquals(0, limiter.acquire("a"), "one token refilled after 1/rate");
        assertEquals(1, limiter.acquire("a"));
    }

    @Test
    void anIdleClientRefillsUpToTheBurstOnly() {
        ClientRateLimiter limiter = new ClientRateLimiter(10, 5, 10, clock::get);
        refusedOf(limiter, "a", 5);

        clock.addAndGet(60 * SECOND);

        assertEquals(0, refusedOf(limiter, "a", 5), "a full burst again");
        assertEquals(1, limiter.acquire("a"), "never more than the burst");
    }

    @Test
    void clientsHaveTheirOwnBuckets() {
        ClientRateLimiter limiter = new ClientRateLimiter(1, 2, 10, clock::get);
        refusedOf(limiter, "10.0.0.1", 2);
        assertEquals(1, limiter.acquire("10.0.0.1"));

        assertEquals(0, refusedOf(limiter, "10.0.0.2", 2));
    }

    @Test
    void theLeastRecentlyUsedClientIsForgottenBeyondTheBound() {
        ClientRateLimiter limiter = new ClientRateLimiter(1, 1, 2, clock::get);
        limiter.acquire("a");
        limiter.acquire("b");
        assertEquals(1, limiter.acquire("a"), "a is limited and now the most recent");

        limiter.acquire("c");

        assertEquals(2, limiter.trackedClients());
        assertEquals(1, limiter.acquire("a"), "a is still remembered");
        assertEquals(0, limiter.acquire("b"), "b was forgotten and starts with a full bucket");
    }

    @Test
    void settingsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new ClientRateLimiter(0, 1, 1, clock::get));
        assertThrows(IllegalArgumentException.class, () -> new ClientRateLimiter(1, 0, 1, clock::get));
        assertThrows(IllegalArgumentException.class, () -> new ClientRateLimiter(1, 1, 0, clock::get));
    }

    @Test
    void grpcMessagesArePercentEncoded() {
        assertEquals("more than 5; retry", dev.runcmd.control.grpc.GrpcOverHttp.percentEncode("more than 5; retry"));
        assertEquals("100%25 caf%C3%A9%0A", dev.runcmd.control.grpc.GrpcOverHttp.percentEncode("100% café\n"));
    }

    /** Sends {@code count} requests at the current time; returns how many were refused. */
    private static int refusedOf(ClientRateLimiter limiter, String client, int count) {
        int refused = 0;
        for (int i = 0; i < count; i++) {
            if (limiter.acquire(client) != 0) {
                refused++;
            }
        }
        return refused;
    }
}
