package dev.runcmd.agent.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.runcmd.proto.agent.v1.Accepted;
import dev.runcmd.proto.agent.v1.Ack;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.Exited;
import dev.runcmd.proto.agent.v1.Output;
import dev.runcmd.proto.agent.v1.OutputStream;
import dev.runcmd.proto.agent.v1.Started;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The queue keeps written Started/Output/Exited until acknowledged and replays them after a rewind. */
class ReplayBufferTest {

    @Test
    void rewindReplaysUnacknowledgedMessagesInOrderBeforeNewOnes() throws Exception {
        OutboundQueue queue = new OutboundQueue(8);
        queue.put(accepted("e"));
        queue.put(started("e"));
        queue.put(output("e", 0, 10));
        queue.put(output("e", 10, 5));
        List<AgentMessage> firstStream = drain(queue, 4);
        queue.put(exited("e"));

        queue.rewind();
        List<AgentMessage> secondStream = drain(queue, 4);

        assertEquals(firstStream.subList(1, 4), secondStream.subList(0, 3), "Accepted is not replayed; order kept");
        assertTrue(secondStream.get(3).hasExited(), "the new message follows the replay");
        assertEquals(15, queue.unacknowledgedBytes());
        assertEquals(4, queue.unacknowledgedCount());
    }

    @Test
    void acksReleaseCoveredOutputStartedOnAnyAckAndExitedOnlyWhenExited() throws Exception {
        OutboundQueue queue = new OutboundQueue(8);
        queue.put(started("e"));
        queue.put(output("e", 0, 10));
        queue.put(output("e", 10, 10));
        queue.put(exited("e"));
        drain(queue, 4);

        queue.acknowledge(Ack.newBuilder().setExecutionId("e").setStdoutOffset(15).build());
        assertEquals(10, queue.unacknowledgedBytes(), "a partly acknowledged chunk is kept whole");
        assertEquals(2, queue.unacknowledgedCount(), "Started is released by any Ack of its execution");
        queue.acknowledge(Ack.newBuilder().setExecutionId("e").setStdoutOffset(5).build());
        assertEquals(10, queue.unacknowledgedBytes(), "a lower, late Ack changes nothing");
        queue.acknowledge(Ack.newBuilder().setExecutionId("e").setStdoutOffset(20).setExited(true).build());
        assertEquals(0, queue.unacknowledgedBytes());
        assertEquals(0, queue.unacknowledgedCount());
    }

    @Test
    void aFullBufferRefusesOutputUntilAnAckMakesRoom() throws Exception {
        OutboundQueue queue = new OutboundQueue(4, 10);
        queue.put(output("e", 0, 10));
        drain(queue, 1);

        assertFalse(queue.offer(output("e", 10, 1)), "no Output while 10 bytes are unacknowledged");
        assertTrue(queue.offer(accepted("f")), "other messages still pass");
        queue.acknowledge(Ack.newBuilder().setExecutionId("e").setStdoutOffset(10).build());
        assertTrue(queue.offer(output("e", 10, 1)), "room again after the Ack");
    }

    /** Takes and writes {@code n} messages, as the sender does on one stream. */
    private static List<AgentMessage> drain(OutboundQueue queue, int n) throws InterruptedException {
        List<AgentMessage> written = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            OutboundQueue.Next next = queue.awaitNext();
            written.add(next.message());
            queue.written(next);
        }
        return written;
    }

    private static AgentMessage accepted(String id) {
        return AgentMessage.newBuilder().setAccepted(Accepted.newBuilder().setExecutionId(id)).build();
    }

    private static AgentMessage started(String id) {
        return AgentMessage.newBuilder().setStarted(Started.newBuilder().setExecutionId(id)).build();
    }

    private static AgentMessage exited(String id) {
        return AgentMessage.newBuilder().setExited(Exited.newBuilder().setExecutionId(id)).build();
    }

    private static AgentMessage output(String id, long offset, int size) {
        return AgentMessage.newBuilder().setOutput(Output.newBuilder().setExecutionId(id)
                .setStream(OutputStream.STDOUT).setOffset(offset).setData(ByteString.copyFrom(new byte[size]))).build();
    }
}
