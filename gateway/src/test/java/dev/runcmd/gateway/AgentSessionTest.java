package dev.runcmd.gateway;

import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.ACK;
import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.RUN;
import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.WELCOME;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.runcmd.proto.agent.v1.Accepted;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.Heartbeat;
import dev.runcmd.proto.agent.v1.Welcome;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An agent's session on the gateway, over a real gRPC stream against a real PostgreSQL: how a
 * Hello opens it (or is refused), how progress is stored before it is acknowledged, and what the
 * end of a stream releases.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class AgentSessionTest extends GatewayTestSupport {

    @Test
    void helloRegistersMachineAndSession() throws Exception {
        try (FakeAgent agent = FakeAgent.connect(channel)) {
            agent.send(FakeAgent.hello(subscription, "web-01"));
            Welcome welcome = agent.next(WELCOME).getWelcome();

            assertEquals(identity.id(), welcome.getGatewayId());
            assertEquals(10, welcome.getHeartbeatIntervalSeconds());
            long machineId = machineId("web-01");
            Row machine = db.machine(machineId);
            assertEquals("Connected", machine.getString("status"));
            assertEquals("Linux", machine.getString("os_name"));
            assertEquals("0.1.0-test", machine.getString("agent_version"));
            assertEquals("web-01.local", machine.getString("host_name"));
            Row session = db.one("select * from agent_session where machine_id = $1", Tuple.of(machineId));
            assertEquals(identity.id(), session.getString("gateway_id"));
            assertEquals(welcome.getSessionId(), session.getString("session_id"));
        }
    }

    @Test
    void helloWithInvalidMachineNameIsRejected() throws Exception {
        try (FakeAgent agent = FakeAgent.connect(channel)) {
            agent.send(FakeAgent.hello(subscription, "bad name!"));

            Status status = agent.awaitEnd();
            assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
            assertEquals("hello.machine.machine_name \"bad name!\" does not match [a-zA-Z0-9-_.]{1,54}",
                    status.getDescription());
        }
        assertEquals(0, db.count("select count(*) from machine where subscription_id = $1", Tuple.of(subscription)));
    }

    @Test
    void firstMessageNotHelloFails() throws Exception {
        try (FakeAgent agent = FakeAgent.connect(channel)) {
            agent.send(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setTimeMillis(1)).build());

            Status status = agent.awaitEnd();
            assertEquals(Status.Code.FAILED_PRECONDITION, status.getCode());
            assertEquals("first message must be Hello", status.getDescription());
        }
    }

    @Test
    void unsupportedProtocolVersionFails() throws Exception {
        try (FakeAgent agent = FakeAgent.connect(channel)) {
            agent.send(FakeAgent.hello(subscription, "web-01").toBuilder().setProtocolVersion(2).build());

            Status status = agent.awaitEnd();
            assertEquals(Status.Code.FAILED_PRECONDITION, status.getCode());
            assertEquals("hello.protocol_version 2 is not supported; this gateway speaks 1", status.getDescription());
        }
    }

    @Test
    void newerSessionReplacesOlderOne() throws Exception {
        try (FakeAgent older = FakeAgent.connect(channel); FakeAgent newer = FakeAgent.connect(channel)) {
            older.send(FakeAgent.hello(subscription, "edge-01"));
            older.next(WELCOME);
            newer.send(FakeAgent.hello(subscription, "edge-01"));
            String sessionId = newer.next(WELCOME).getWelcome().getSessionId();

            Status status = older.awaitEnd();
            assertEquals(Status.Code.ABORTED, status.getCode());
            assertEquals("replaced by a newer session", status.getDescription());
            long machineId = machineId("edge-01");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(sessionId,
                    db.one("select session_id from agent_session where machine_id = $1", Tuple.of(machineId))
                            .getString("session_id")));
            assertEquals("Connected", db.machine(machineId).getString("status"));
        }
    }

    @Test
    void progressIsStoredBeforeAck() throws Exception {
        try (FakeAgent agent = FakeAgent.connect(channel)) {
            agent.send(FakeAgent.hello(subscription, "batch-01"));
            agent.next(WELCOME);
            UUID id = db.insertExecution(machineId("batch-01"), "report");
            internal.dispatch(dispatchOf("batch-01"));
            agent.next(RUN);

            agent.send(AgentMessage.newBuilder().setAccepted(Accepted.newBuilder().setExecutionId(id.toString())).build());
            agent.send(ProgressMessages.started(id));
            agent.send(ProgressMessages.output(id, 1, 0, "hello\n"));
            assertAck(agent.next(ACK), id, 6, 0, false);
            Row running = db.execution(id);
            assertEquals("Running", running.getString("state"));
            assertNotNull(running.getOffsetDateTime("accepted_at"));
            assertNotNull(running.getOffsetDateTime("start_time"));
            assertEquals(6, running.getLong("stdout_bytes"));

            agent.send(ProgressMessages.output(id, 2, 0, "oops"));
            assertAck(agent.next(ACK), id, 6, 4, false);
            agent.send(ProgressMessages.output(id, 1, 0, "hello\n"));
            assertAck(agent.next(ACK), id, 6, 4, false);
            assertEquals(2, db.count("select count(*) from output_chunk where execution_id = $1", Tuple.of(id)));
            assertEquals(6, db.count("select sum(length(data)) from output_chunk where execution_id = $1 and stream = 1",
                    Tuple.of(id)));

            agent.send(ProgressMessages.exited(id, 0));
            assertAck(agent.next(ACK), id, 0, 0, true);
            Row done = db.execution(id);
            assertEquals("Succeeded", done.getString("state"));
            assertEquals(0, done.getInteger("exit_code"));
            assertEquals("Execution completed", done.getString("message"));
            assertNotNull(done.getOffsetDateTime("end_time"));
            assertEquals("Succeeded", db.runCommandOf(id).getString("provisioning_state"));
        }
    }

    @Test
    void outputIsNotAcknowledgedWhileTheStoreHoldsIt() throws Exception {
        try (FakeAgent agent = FakeAgent.connect(channel)) {
            agent.send(FakeAgent.hello(subscription, "slow-01"));
            agent.next(WELCOME);
            UUID id = db.insertExecution(machineId("slow-01"), "slow");
            SqlConnection lock = db.lockExecution(id);

            agent.send(ProgressMessages.output(id, 1, 0, "abc"));
            assertNull(agent.poll(500), "acknowledged while the execution row was locked");
            lock.close().await().atMost(Duration.ofSeconds(10));

            assertAck(agent.next(ACK), id, 3, 0, false);
            assertEquals(3, db.execution(id).getLong("stdout_bytes"));
        }
    }

    @Test
    void outputOfDeletedExecutionIsAcknowledged() throws Exception {
        try (FakeAgent agent = FakeAgent.connect(channel)) {
            agent.send(FakeAgent.hello(subscription, "gone-01"));
            agent.next(WELCOME);
            UUID missing = UUID.randomUUID();

            agent.send(ProgressMessages.output(missing, 2, 10, "late"));

            assertAck(agent.next(ACK), missing, 0, 14, false);
            assertEquals(0, db.count("select count(*) from output_chunk where execution_id = $1", Tuple.of(missing)));
        }
    }

    @Test
    void disconnectMarksMachineDisconnectedAndRequeuesUnacceptedRuns() throws Exception {
        long machineId = db.insertMachine(subscription, "lost-01");
        UUID accepted = db.insertExecution(machineId, "accepted");
        UUID unaccepted = db.insertExecution(machineId, "unaccepted");
        FakeAgent agent = FakeAgent.connect(channel);
        agent.send(FakeAgent.hello(subscription, "lost-01"));
        agent.next(WELCOME);
        agent.next(RUN);
        agent.next(RUN);
        agent.send(AgentMessage.newBuilder().setAccepted(Accepted.newBuilder().setExecutionId(accepted.toString())).build());
        agent.send(ProgressMessages.output(accepted, 1, 0, "."));
        agent.next(ACK);

        agent.cancel();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(
                () -> assertEquals("Disconnected", db.machine(machineId).getString("status")));
        assertEquals(0, db.count("select count(*) from agent_session where machine_id = $1", Tuple.of(machineId)));
        Row requeued = db.execution(unaccepted);
        assertEquals("Pending", requeued.getString("state"));
        assertNull(requeued.getString("session_id"));
        assertNull(requeued.getString("gateway_id"));
        assertEquals("Dispatched", db.execution(accepted).getString("state"));
        StatusRuntimeException notHeld = assertThrows(StatusRuntimeException.class,
                () -> internal.dispatch(dispatchOf("lost-01")));
        assertEquals(Status.Code.NOT_FOUND, notHeld.getStatus().getCode());
    }
}
