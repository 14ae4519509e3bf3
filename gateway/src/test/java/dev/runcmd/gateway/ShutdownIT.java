package dev.runcmd.gateway;

import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.ACK;
import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.RUN;
import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.WELCOME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.proto.agent.v1.Accepted;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a real gateway process: it drains its sessions, hands the agents off with
 * UNAVAILABLE "gateway shutting down", cleans up the store, and exits within its bound, also
 * when PostgreSQL is down.
 */
class ShutdownIT {

    /** quarkus.shutdown.timeout (10 s) plus the JVM's own exit. */
    private static final Duration EXIT_BOUND = Duration.ofSeconds(13);
    private static final String SUBSCRIPTION = "sub-it";

    @Test
    void sigtermDrainsSessionsHandsAgentsOffAndUnregisters() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start()) {
            long machineId = insertMachine(gateway, "drain-01");
            UUID accepted = insertExecution(gateway, machineId, "accepted");
            UUID unaccepted = insertExecution(gateway, machineId, "unaccepted");
            ManagedChannel channel = gateway.machineChannel(SUBSCRIPTION, "drain-01");
            try (FakeAgent agent = FakeAgent.connect(channel)) {
                agent.send(FakeAgent.hello(SUBSCRIPTION, "drain-01"));
                agent.next(WELCOME);
                agent.next(RUN);
                agent.next(RUN);
                agent.send(AgentMessage.newBuilder().setAccepted(Accepted.newBuilder()
                        .setExecutionId(accepted.toString())).build());
                agent.send(ProgressMessages.started(accepted));
                sendChunks(agent, accepted, 0, 5);
                GatewayTestSupport.awaitAck(agent, accepted, 5000, 0);

                sendChunks(agent, accepted, 5, 10);
                gateway.terminate(EXIT_BOUND);

                long acked = lastAckedStdout(agent, accepted);
                Status status = agent.awaitEnd();
                assertEquals(Status.Code.UNAVAILABLE, status.getCode(), status.toString());
                assertEquals("gateway shutting down", status.getDescription());
                assertEquals(acked, ((Number) gateway.scalar("select stdout_bytes from execution where id = ?",
                        accepted)).longValue(), "stored and acknowledged differ");
            } finally {
                channel.shutdownNow();
            }
            assertNull(gateway.scalar("select id from gateway where id = ?", gateway.gatewayId));
            assertNull(gateway.scalar("select session_id from agent_session where machine_id = ?", machineId));
            assertEquals("Disconnected", gateway.scalar("select status from machine where id = ?", machineId));
            assertEquals("Pending", gateway.scalar("select state from execution where id = ?", unaccepted));
            assertEquals("Running", gateway.scalar("select state from execution where id = ?", accepted));
        }
    }

    @Test
    void sigtermWithPostgresDownStillExitsInTime() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start()) {
            insertMachine(gateway, "nodb-01");
            ManagedChannel channel = gateway.machineChannel(SUBSCRIPTION, "nodb-01");
            try (FakeAgent agent = FakeAgent.connect(channel)) {
                agent.send(FakeAgent.hello(SUBSCRIPTION, "nodb-01"));
                agent.next(WELCOME);
                gateway.postgres.close();

                Duration took = gateway.terminate(EXIT_BOUND);

                assertTrue(took.compareTo(EXIT_BOUND) < 0, "exit took " + took);
                assertEquals(Status.Code.UNAVAILABLE, agent.awaitEnd().getCode());
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private static void sendChunks(FakeAgent agent, UUID id, int from, int to) {
        for (int i = from; i < to; i++) {
            agent.send(ProgressMessages.output(id, 1, i * 1000L, 1000));
        }
    }

    /** Reads what the gateway sent until the stream ended; the highest stdout offset acknowledged. */
    private static long lastAckedStdout(FakeAgent agent, UUID id) throws InterruptedException {
        long acked = 5000;
        GatewayMessage message;
        while ((message = agent.poll(TimeUnit.SECONDS.toMillis(2))) != null) {
            if (message.getKindCase() == ACK && message.getAck().getExecutionId().equals(id.toString())) {
                acked = Math.max(acked, message.getAck().getStdoutOffset());
            }
        }
        return acked;
    }

    private static long insertMachine(GatewayProcess gateway, String name) throws Exception {
        gateway.update("insert into machine (subscription_id, resource_group, name, status, last_status_change)"
                + " values (?, 'rg-test', ?, 'Disconnected', now())", SUBSCRIPTION, name);
        return ((Number) gateway.scalar("select id from machine where name = ?", name)).longValue();
    }

    private static UUID insertExecution(GatewayProcess gateway, long machineId, String name) throws Exception {
        UUID runCommand = UUID.randomUUID();
        UUID execution = UUID.randomUUID();
        gateway.update("insert into run_command (id, machine_id, name, location, script, provisioning_state,"
                + " current_execution_id) values (?, ?, ?, 'local', 'echo', 'Creating', ?)",
                runCommand, machineId, name, execution);
        gateway.update("insert into execution (id, run_command_id, machine_id, run_command_name, state, script)"
                + " values (?, ?, ?, ?, 'Pending', 'echo')", execution, runCommand, machineId, name);
        return execution;
    }
}
