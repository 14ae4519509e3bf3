package dev.runcmd.agent.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.Heartbeat;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The bounded queue between producers and the stream. */
class OutboundQueueTest {

    @Test
    void putBlocksWhileFullAndResumesWhenTheHeadIsRemoved() throws Exception {
        OutboundQueue queue = new OutboundQueue(2);
        queue.put(beat(1));
        queue.put(beat(2));

        CompletableFuture<Void> third = CompletableFuture.runAsync(() -> {
            try {
                queue.put(beat(3));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        assertBlocked(third);
        assertFalse(queue.offer(beat(4)), "offer drops when full");
        OutboundQueue.Next first = queue.awaitNext();
        assertEquals(1, first.message().getHeartbeat().getTimeMillis());
        queue.written(first);
        third.get(5, TimeUnit.SECONDS);
        assertEquals(2, queue.awaitNext().message().getHeartbeat().getTimeMillis(), "order kept");
        assertEquals(2, queue.highWaterMark());
    }

    @Test
    void awaitEmptyReportsWhetherEverythingWasTaken() throws Exception {
        OutboundQueue queue = new OutboundQueue(4);
        assertTrue(queue.awaitEmpty(Duration.ZERO));
        queue.put(beat(1));

        assertFalse(queue.awaitEmpty(Duration.ofMillis(50)));
        queue.written(queue.awaitNext());
        assertTrue(queue.awaitEmpty(Duration.ofMillis(50)));
    }

    private static void assertBlocked(CompletableFuture<Void> put) throws Exception {
        try {
            put.get(200, TimeUnit.MILLISECONDS);
            throw new AssertionError("put returned although the queue was full");
        } catch (TimeoutException expected) {
            // Still blocked, as it should be.
        }
    }

    private static AgentMessage beat(long n) {
        return AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setTimeMillis(n)).build();
    }
}
