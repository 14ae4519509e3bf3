package dev.runcmd.gateway;

import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.WELCOME;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.Heartbeat;
import io.grpc.Status;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A machine whose agent stays silent (its connection open, nothing sent: a hung agent or a stalled network) shows
 * Disconnected within its heartbeat window: with a heartbeat every second and three silent heartbeats allowed,
 * its session ends UNAVAILABLE within a few seconds, while an agent beside it that keeps sending heartbeats stays
 * Connected.
 */
@QuarkusTest
@TestProfile(SilentAgentTest.ShortHeartbeat.class)
@WithTestResource(EmbeddedPostgresResource.class)
class SilentAgentTest extends GatewayTestSupport {

    /** Heartbeats every second, so the window is 3 s. */
    public static final class ShortHeartbeat implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("runcmd.gateway.heartbeat-interval", "1s", "runcmd.gateway.silent-heartbeats", "3");
        }
    }

    @Test
    void aSilentAgentIsCutOffAndItsMachineShownDisconnectedWhileATalkingOneStays() throws Exception {
        try (FakeAgent silent = connected("silent-01"); FakeAgent talking = connected("talking-01")) {
            long silentMachine = machineId("silent-01");
            long talkingMachine = machineId("talking-01");
            assertEquals("Connected", db.machine(silentMachine).getString("status"));

            long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() < deadline && db.machine(silentMachine).getString("status").equals("Connected")) {
                talking.send(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder()
                        .setTimeMillis(System.currentTimeMillis())).build());
                Thread.sleep(300);
            }

            Status status = silent.awaitEnd();
            assertEquals(Status.Code.UNAVAILABLE, status.getCode(), status.toString());
            assertEquals("no message from the agent for 3 s", status.getDescription());
            await().atMost(Duration.ofSeconds(5)).untilAsserted(
                    () -> assertEquals("Disconnected", db.machine(silentMachine).getString("status")));
            assertEquals("Connected", db.machine(talkingMachine).getString("status"),
                    "the agent that kept talking lost its session");
        }
    }

    private FakeAgent connected(String machine) throws InterruptedException {
        FakeAgent agent = agent(machine);
        agent.send(FakeAgent.hello(subscription, machine));
        agent.next(WELCOME);
        return agent;
    }
}
