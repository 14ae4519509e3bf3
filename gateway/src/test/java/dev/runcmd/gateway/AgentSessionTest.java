package dev.runcmd.gateway;

import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.ACK;
import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.RUN;
import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.WELCOME;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.runcmd.proto.agent.v1.Accepted;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import dev.runcmd.proto.agent.v1.Heartbeat;
import dev.runcmd.proto.agent.v1.Welcome;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An agent's session on the gateway, over a real gRPC stream against a real PostgreSQL: how a
 * Hello opens it (or is refused), how progress is stored before it is acknowledged, and what the
 * end of a stream releases.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class AgentSessionTest extends GatewayTestSupport {

    private static final long CAP = 1_048_576; // the test profile's output cap

    @Test
    void helloRegistersMachineAndSession() throws Exception {
        try (FakeAgent agent = agent("web-01")) {
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
    void theAgentPolicySummaryOfTheHelloIsStoredOnTheMachine() throws Exception {
        try (FakeAgent agent = agent("policed-01")) {
            agent.send(FakeAgent.hello(subscription, "policed-01").toBuilder()
                    .setPolicySummary("run command disabled").build());
            agent.next(WELCOME);
            assertEquals("run command disabled", db.machine(machineId("policed-01")).getString("agent_policy"));
        }
        try (FakeAgent again = agent("policed-01")) {
            again.send(FakeAgent.hello(subscription, "policed-01"));
            again.next(WELCOME);
            assertEquals("", db.machine(machineId("policed-01")).getString("agent_policy"),
                    "a policy removed by the administrator is no longer shown");
        }
    }

    @Test
    void theTagsOfEveryHelloReplaceTheMachinesReportedTags() throws Exception {
        try (FakeAgent agent = agent("tagged-01")) {
            agent.send(FakeAgent.hello(subscription, "tagged-01").toBuilder()
                    .putTags("env", "prod").putTags("role", "db").build());
            agent.next(WELCOME);
            Row machine = db.machine(machineId("tagged-01"));
            assertEquals(new JsonObject().put("env", "prod").put("role", "db"), machine.getJsonObject("agent_tags"));
            assertEquals(new JsonObject(), machine.getJsonObject("tags"), "the API's tags are not the agent's");
        }
        try (FakeAgent again = agent("tagged-01")) {
            again.send(FakeAgent.hello(subscription, "tagged-01"));
            again.next(WELCOME);
            assertEquals(new JsonObject(), db.machine(machineId("tagged-01")).getJsonObject("agent_tags"),
                    "an agent without tags clears the ones it reported");
        }
    }

    @Test
    void helloWithAnInvalidTagIsRefusedAndWritesNothing() throws Exception {
        try (FakeAgent agent = agent("tagged-02")) {
            long machineId = machineId("tagged-02");
            db.execute("update machine set agent_tags = '{\"env\": \"test\"}' where id = $1", Tuple.of(machineId));
            Row before = db.machine(machineId);

            agent.send(FakeAgent.hello(subscription, "tagged-02").toBuilder()
                    .putTags("env", "prod").putTags("a<b", "1").build());

            Status status = agent.awaitEnd();
            assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
            assertEquals("hello.tags: tag name \"a<b\" contains '<'; names must not contain any of <>%&\\?/",
                    status.getDescription());
            Row after = db.machine(machineId);
            assertEquals(new JsonObject().put("env", "test"), after.getJsonObject("agent_tags"));
            assertEquals(before.getString("status"), after.getString("status"));
            assertEquals(before.getString("os_name"), after.getString("os_name"));
            assertEquals(0, db.count("select count(*) from agent_session where machine_id = $1", Tuple.of(machineId)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad name!", ".."})
    void helloWithInvalidMachineNameIsRejected(String name) throws Exception {
        try (FakeAgent agent = agent("named-01")) {
            agent.send(FakeAgent.hello(subscription, name));

            Status status = agent.awaitEnd();
            assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
            assertEquals("hello.machine.machine_name \"" + name + "\" does not match [a-zA-Z0-9-_.]{1,54} or is '.' "
                    + "or '..'", status.getDescription());
        }
        assertEquals(0, db.count("select count(*) from machine where subscription_id = $1 and name = $2",
                Tuple.of(subscription, name)));
    }

    @Test
    void firstMessageNotHelloFails() throws Exception {
        try (FakeAgent agent = agent("web-01")) {
            agent.send(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setTimeMillis(1)).build());

            Status status = agent.awaitEnd();
            assertEquals(Status.Code.FAILED_PRECONDITION, status.getCode());
            assertEquals("first message must be Hello", status.getDescription());
        }
    }

    @Test
    void unsupportedProtocolVersionFails() throws Exception {
        try (FakeAgent agent = agent("web-01")) {
            agent.send(FakeAgent.hello(subscription, "web-01").toBuilder().setProtocolVersion(2).build());

            Status status = agent.awaitEnd();
            assertEquals(Status.Code.FAILED_PRECONDITION, status.getCode());
            assertEquals("hello.protocol_version 2 is not supported; this gateway speaks 1", status.getDescription());
        }
    }

    @Test
    void newerSessionReplacesOlderOne() throws Exception {
        try (FakeAgent older = agent("edge-01"); FakeAgent newer = agent("edge-01")) {
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
        try (FakeAgent agent = agent("batch-01")) {
            UUID id = openWithExecution(agent, "batch-01", "report");
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
    void outputPastTheCapIsAcknowledgedAndCountedButNotStored() throws Exception {
        try (FakeAgent agent = agent("cap-01")) {
            UUID id = openWithExecution(agent, "cap-01", "verbose");
            internal.dispatch(dispatchOf("cap-01"));
            agent.next(RUN);
            assertEquals(CAP, db.execution(id).getLong("output_cap_bytes"));

            for (long offset = 0; offset < 1_140_000; offset += 60_000) {
                agent.send(ProgressMessages.output(id, 1, offset, 60_000));
            }
            agent.send(ProgressMessages.output(id, 2, 0, "oops"));
            awaitAck(agent, id, 1_140_000, 4);
            assertOutputUpToTheCap(id);

            agent.send(ProgressMessages.output(id, 1, 1_020_000, 60_000));
            agent.send(ProgressMessages.output(id, 1, 1_080_000, 60_000));
            awaitAck(agent, id, 1_140_000, 4);
            assertOutputUpToTheCap(id);

            String truncated = "Execution completed (stdout truncated: 91424 bytes, stderr truncated: 10 bytes"
                    + " past the 1 MiB output cap were not stored)";
            for (int replay = 0; replay < 2; replay++) {
                agent.send(ProgressMessages.exited(id, 1_140_000, CAP + 10));
                awaitExitAck(agent, id);
                Row done = db.execution(id);
                assertEquals(truncated, done.getString("message"));
                assertEquals(10, done.getLong("stderr_dropped"));
                assertOutputUpToTheCap(id);
            }
        }
    }

    /** Stdout stored up to the cap (the crossing chunk cut), 91424 bytes past it dropped; stderr's 4 bytes stored. */
    private void assertOutputUpToTheCap(UUID id) {
        Row execution = db.execution(id);
        assertEquals(CAP, execution.getLong("stdout_bytes"));
        assertEquals(1_140_000 - CAP, execution.getLong("stdout_dropped"));
        assertEquals(4, execution.getLong("stderr_bytes"));
        assertEquals(CAP + 4, db.count("select sum(length(data)) from output_chunk where execution_id = $1",
                Tuple.of(id)));
        assertEquals(19, db.count("select count(*) from output_chunk where execution_id = $1", Tuple.of(id)));
        byte[] cut = db.one("select data from output_chunk where execution_id = $1 and stream = 1"
                + " and \"offset\" = 1020000", Tuple.of(id)).getBuffer("data").getBytes();
        assertEquals(CAP - 1_020_000, cut.length);
        assertEquals((byte) (CAP - 1), cut[cut.length - 1]);
    }

    @Test
    void outputsSentBackToBackAreStoredInArrivalOrderBeforeTheExit() throws Exception {
        try (FakeAgent agent = agent("order-01")) {
            UUID id = openWithExecution(agent, "order-01", "chatty");
            internal.dispatch(dispatchOf("order-01")); // or the sweep delivers it mid-test: one Run either way
            agent.next(RUN);

            for (int i = 0; i < 100; i++) {
                agent.send(ProgressMessages.output(id, 1 + i % 2, i / 2 * 10L, 10));
            }
            agent.send(ProgressMessages.exited(id, 500, 500));

            awaitExitAck(agent, id);
            Row done = db.execution(id);
            assertEquals("Succeeded", done.getString("state"));
            assertEquals(500, done.getLong("stdout_bytes"));
            assertEquals(500, done.getLong("stderr_bytes"));
            List<Row> chunks = db.all("select stream, \"offset\" from output_chunk where execution_id = $1 order by seq",
                    Tuple.of(id));
            assertEquals(100, chunks.size());
            for (int i = 0; i < 100; i++) {
                assertEquals(1 + i % 2, chunks.get(i).getInteger("stream"), "stream of chunk " + i);
                assertEquals(i / 2 * 10L, chunks.get(i).getLong("offset"), "offset of chunk " + i);
            }
        }
    }

    @Test
    void malformedOutputEndsTheStreamAfterWhatPrecededIt() throws Exception {
        try (FakeAgent agent = agent("bad-01")) {
            UUID id = openWithExecution(agent, "bad-01", "bad");
            internal.dispatch(dispatchOf("bad-01")); // or the sweep delivers it mid-test: one Run either way
            agent.next(RUN);

            agent.send(ProgressMessages.output(id, 1, 0, "good"));
            agent.send(ProgressMessages.output(id, 1, -4, "bad!"));
            agent.send(ProgressMessages.output(id, 1, 4, "never"));

            Status status = agent.awaitEnd();
            assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
            assertEquals("output of execution " + id + " has negative offset -4", status.getDescription());
            assertEquals(4, db.execution(id).getLong("stdout_bytes"));
            assertEquals(1, db.count("select count(*) from output_chunk where execution_id = $1", Tuple.of(id)));
        }
    }

    @Test
    void outputIsNotAcknowledgedWhileTheStoreHoldsIt() throws Exception {
        try (FakeAgent agent = agent("slow-01")) {
            UUID id = openWithExecution(agent, "slow-01", "slow");
            SqlConnection lock = db.lockExecution(id);

            agent.send(ProgressMessages.output(id, 1, 0, "abc"));
            GatewayMessage early = agent.poll(500);
            // The delivery sweep may send the execution's Run meanwhile; an Ack is what must not come.
            assertTrue(early == null || early.getKindCase() != ACK, "acknowledged while the execution row was locked");
            lock.close().await().atMost(Duration.ofSeconds(10));

            assertAck(agent.next(ACK), id, 3, 0, false);
            assertEquals(3, db.execution(id).getLong("stdout_bytes"));
        }
    }

    @Test
    void outputOfDeletedExecutionIsAcknowledged() throws Exception {
        try (FakeAgent agent = agent("gone-01")) {
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
        FakeAgent agent = agent("lost-01");
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
