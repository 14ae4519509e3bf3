package dev.runcmd.gateway;

import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.RUN;
import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.WELCOME;

import dev.runcmd.proto.agent.v1.Accepted;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.HeldExecution;
import dev.runcmd.proto.agent.v1.Output;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Replays whose chunks are cut differently from the first sending store each byte once. */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class ReplayStorageTest extends GatewayTestSupport {

    /**
     * An agent replays from its acknowledged offsets by reading its files again, so a replayed chunk
     * may be longer or shorter than the one first sent at that offset: each byte is still stored once.
     */
    @Test
    void replayWithOtherChunkBoundariesStoresEachByteOnce() throws Exception {
        UUID id;
        try (FakeAgent agent = agent("rechunk-01")) {
            id = openWithExecution(agent, "rechunk-01", "rechunk");
            internal.dispatch(dispatchOf("rechunk-01"));
            agent.next(RUN);
            agent.send(AgentMessage.newBuilder().setAccepted(Accepted.newBuilder().setExecutionId(id.toString())).build());
            agent.send(ProgressMessages.started(id));
            agent.send(ProgressMessages.output(id, 1, 0, 1000));
            agent.send(ProgressMessages.output(id, 1, 1000, 500)); // stored, but its Ack is lost below
            awaitAck(agent, id, 1500, 0);
        }
        replay(id, ProgressMessages.output(id, 1, 1000, 4000), ProgressMessages.output(id, 1, 5000, 1000));
        replay(id, ProgressMessages.output(id, 1, 2000, 100), ProgressMessages.output(id, 1, 2100, 4900),
                ProgressMessages.exited(id, 7000, 0));
        assertEachByteStoredOnce(id, 7000);
    }

    /** A new session of the agent holding {@code id}, sending {@code messages}, until they are acknowledged. */
    private void replay(UUID id, AgentMessage... messages) throws Exception {
        try (FakeAgent agent = agent("rechunk-01")) {
            agent.send(FakeAgent.hello(subscription, "rechunk-01").toBuilder()
                    .addHeld(HeldExecution.newBuilder().setExecutionId(id.toString()).setRunning(true)).build());
            agent.next(WELCOME);
            for (AgentMessage message : messages) {
                agent.send(message);
            }
            AgentMessage last = messages[messages.length - 1];
            if (last.hasExited()) {
                awaitExitAck(agent, id);
            } else {
                Output output = last.getOutput();
                awaitAck(agent, id, output.getOffset() + output.getData().size(), 0);
            }
        }
    }
}
