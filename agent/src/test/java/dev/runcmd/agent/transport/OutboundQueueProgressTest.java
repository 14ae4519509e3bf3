package dev.runcmd.agent.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.runcmd.proto.agent.v1.Accepted;
import dev.runcmd.proto.agent.v1.Ack;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.Output;
import dev.runcmd.proto.agent.v1.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Progress is pulled from sources: control messages first, a bounded window, replay after a rewind. */
class OutboundQueueProgressTest {

    @Test
    void controlMessagesGoFirstAndARewindReplaysFromTheAcknowledgedOffset() throws Exception {
        OutboundQueue queue = new OutboundQueue(4, 1000);
        Bytes source = new Bytes("e", 30, 10);
        queue.put(accepted("e"));
        queue.register(source);

        assertTrue(take(queue).hasAccepted(), "Accepted before the execution's progress");
        assertEquals(List.of(0L, 10L, 20L), offsets(queue, 3));
        queue.acknowledge(Ack.newBuilder().setExecutionId("e").setStdoutOffset(10).build());
        assertEquals(20, queue.inFlightBytes());
        queue.rewind();

        assertEquals(0, queue.inFlightBytes(), "a new stream starts with nothing in flight");
        assertEquals(List.of(10L, 20L), offsets(queue, 2), "replayed from the acknowledged offset");
    }

    @Test
    void theWindowStopsHandOutsUntilAnAckMakesRoom() throws Exception {
        OutboundQueue queue = new OutboundQueue(4, 20);
        Bytes source = new Bytes("e", 40, 10);
        queue.register(source);

        assertEquals(List.of(0L, 10L), offsets(queue, 2));
        assertNull(source.next(0, source.generation), "no room: nothing handed out");
        queue.acknowledge(Ack.newBuilder().setExecutionId("e").setStdoutOffset(10).build());
        assertEquals(List.of(20L), offsets(queue, 1), "an Ack made room for one more chunk");
    }

    @Test
    void theQueueIsNotEmptyWhileTheSenderIsTakingAMessageFromASource() throws Exception {
        // An agent stopping waits for the queue to be empty before it closes the stream: an execution's last
        // message (its Exited) being read by the sender at that moment must keep the stream open until written.
        OutboundQueue queue = new OutboundQueue(4, 1000);
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        queue.register(new Held(new Bytes("e", 10, 10), asked, answer));
        BlockingQueue<AgentMessage> written = new LinkedBlockingQueue<>();
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try {
            sender.submit(() -> {
                while (true) {
                    written.add(take(queue));
                }
            });
            assertTrue(asked.await(5, TimeUnit.SECONDS));

            assertFalse(queue.awaitEmpty(Duration.ofMillis(100)), "the sender holds the source");
            answer.countDown();
            assertTrue(queue.awaitEmpty(Duration.ofSeconds(5)), "written, and the source has nothing more");
            assertEquals(0L, written.remove().getOutput().getOffset());
        } finally {
            answer.countDown();
            sender.shutdownNow();
        }
    }

    private static AgentMessage take(OutboundQueue queue) throws InterruptedException {
        OutboundQueue.Next next = queue.awaitNext();
        queue.written(next);
        return next.message();
    }

    private static List<Long> offsets(OutboundQueue queue, int n) throws InterruptedException {
        List<Long> offsets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            offsets.add(take(queue).getOutput().getOffset());
        }
        return offsets;
    }

    private static AgentMessage accepted(String id) {
        return AgentMessage.newBuilder().setAccepted(Accepted.newBuilder().setExecutionId(id)).build();
    }

    /** A source that answers {@link #next} only once {@code answer} opens, like a tail reading a slow disk. */
    private record Held(ProgressSource source, CountDownLatch asked, CountDownLatch answer) implements ProgressSource {
        @Override
        public String executionId() {
            return source.executionId();
        }

        @Override
        public AgentMessage next(long room, long gen) {
            asked.countDown();
            try {
                answer.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            return source.next(room, gen);
        }

        @Override
        public void rewind(long gen) {
            source.rewind(gen);
        }

        @Override
        public long acknowledge(Ack ack) {
            return source.acknowledge(ack);
        }
    }

    /** A source of {@code total} bytes of stdout in chunks of {@code chunk}, as a tail of a finished file. */
    private static final class Bytes implements ProgressSource {
        private final String id;
        private final long total;
        private final int chunk;
        private long sent;
        private long acked;
        long generation;

        Bytes(String id, long total, int chunk) {
            this.id = id;
            this.total = total;
            this.chunk = chunk;
        }

        @Override
        public String executionId() {
            return id;
        }

        @Override
        public synchronized AgentMessage next(long room, long gen) {
            int n = (int) Math.min(Math.min(chunk, room), total - sent);
            if (gen != generation || n <= 0) {
                return null;
            }
            Output output = Output.newBuilder().setExecutionId(id).setStream(OutputStream.STDOUT).setOffset(sent)
                    .setData(ByteString.copyFrom(new byte[n])).build();
            sent += n;
            return AgentMessage.newBuilder().setOutput(output).build();
        }

        @Override
        public synchronized void rewind(long gen) {
            generation = gen;
            sent = acked;
        }

        @Override
        public synchronized long acknowledge(Ack ack) {
            long before = sent - acked;
            acked = Math.max(acked, ack.getStdoutOffset());
            sent = Math.max(sent, acked);
            return before - (sent - acked);
        }
    }
}
