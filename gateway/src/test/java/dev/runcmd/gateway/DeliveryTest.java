package dev.runcmd.gateway;

import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.ACK;
import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.CANCEL;
import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.RUN;
import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.WELCOME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.runcmd.proto.agent.v1.GatewayMessage;
import dev.runcmd.proto.agent.v1.Run;
import dev.runcmd.proto.gateway.v1.CancelRequest;
import dev.runcmd.proto.gateway.v1.DispatchManyRequest;
import dev.runcmd.proto.gateway.v1.DispatchManyResponse;
import dev.runcmd.proto.gateway.v1.DispatchRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Delivery of Pending executions to connected agents and the GatewayInternal API, driven by a
 * fake agent and a fake control API over real gRPC against a real PostgreSQL.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class DeliveryTest extends GatewayTestSupport {

    @Test
    void pendingExecutionIsDeliveredOnHello() throws Exception {
        long machineId = db.insertMachine(subscription, "db-01");
        UUID first = db.insertExecution(machineId, "first", "echo $GREETING $1",
                TestDb.parameters("GREETING", "hello", "", "world"), TestDb.parameters("TOKEN", "s3cret"));
        UUID second = db.insertExecution(machineId, "second");

        try (FakeAgent agent = agent("db-01")) {
            agent.send(FakeAgent.hello(subscription, "db-01"));
            String sessionId = agent.next(WELCOME).getWelcome().getSessionId();
            Run run = agent.next(RUN).getRun();
            assertEquals(second.toString(), agent.next(RUN).getRun().getExecutionId());

            assertEquals(first.toString(), run.getExecutionId());
            assertEquals("first", run.getRunCommandName());
            assertEquals("echo $GREETING $1", run.getScript());
            assertEquals(30, run.getTimeoutSeconds());
            assertEquals(2, run.getParametersCount());
            assertEquals("GREETING", run.getParameters(0).getName());
            assertEquals("hello", run.getParameters(0).getValue());
            assertEquals("", run.getParameters(1).getName());
            assertEquals("world", run.getParameters(1).getValue());
            assertEquals("s3cret", run.getProtectedParameters(0).getValue());
            Row execution = db.execution(first);
            assertEquals("Dispatched", execution.getString("state"));
            assertEquals(sessionId, execution.getString("session_id"));
            assertEquals(identity.id(), execution.getString("gateway_id"));
            assertNotNull(execution.getOffsetDateTime("dispatched_at"));
            assertEquals("Connected", db.machine(machineId).getString("status"));
        }
    }

    @Test
    void dispatchDeliversToConnectedAgent() throws Exception {
        try (FakeAgent agent = agent("app-01")) {
            UUID execution = openThenInsert(agent, "app-01", "deploy");
            db.execute("update run_command set command_id = 'Uptime' where id = (select run_command_id from"
                    + " execution where id = $1)", Tuple.of(execution));

            assertEquals(1, internal.dispatch(dispatchOf("app-01")).getDelivered());
            Run run = agent.next(RUN).getRun();
            assertEquals(execution.toString(), run.getExecutionId());
            assertEquals("Uptime", run.getCommandId(), "the agent's policy may allow only some commands");
            assertEquals(0, internal.dispatch(dispatchOf("app-01")).getDelivered());

            // A Run queued by the second Dispatch would be written before this Ack.
            agent.send(ProgressMessages.output(execution, 1, 0, "x"));
            assertEquals(execution.toString(), agent.next(ACK).getAck().getExecutionId());
            assertEquals("Dispatched", db.execution(execution).getString("state"));
        }
    }

    @Test
    void dispatchManyDeliversToEveryHeldMachineInOneCall() throws Exception {
        db.insertMachine(subscription, "fan-03"); // known, but no agent holds it
        try (FakeAgent one = agent("fan-01"); FakeAgent two = agent("fan-02")) {
            UUID first = openThenInsert(one, "fan-01", "fan-out");
            UUID second = openThenInsert(two, "fan-02", "fan-out");

            DispatchManyResponse response = internal.dispatchMany(DispatchManyRequest.newBuilder()
                    .addMachines(scope("fan-01")).addMachines(scope("fan-02")).addMachines(scope("fan-01"))
                    .addMachines(scope("fan-03")).addMachines(scope("nowhere-02")).build());

            assertEquals(2, response.getDelivered());
            assertEquals(2, response.getNotHeld(), "fan-03 and nowhere-02; fan-01 listed twice counts once");
            assertEquals(first.toString(), one.next(RUN).getRun().getExecutionId());
            assertEquals(second.toString(), two.next(RUN).getRun().getExecutionId());
            assertEquals("Dispatched", db.execution(second).getString("state"));
            assertEquals(0, internal.dispatchMany(DispatchManyRequest.newBuilder()
                    .addMachines(scope("fan-01")).addMachines(scope("fan-02")).build()).getDelivered());
        }
    }

    @Test
    void dispatchManyRefusesAMalformedScopeAndTooManyMachines() {
        StatusRuntimeException invalid = assertThrows(StatusRuntimeException.class,
                () -> internal.dispatchMany(DispatchManyRequest.newBuilder().addMachines(scope("a"))
                        .addMachines(scope("b").toBuilder().setSubscriptionId("")).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, invalid.getStatus().getCode());
        assertEquals("machines[1].subscription_id must not be empty", invalid.getStatus().getDescription());

        DispatchManyRequest.Builder tooMany = DispatchManyRequest.newBuilder();
        for (int i = 0; i <= 2000; i++) {
            tooMany.addMachines(scope("m-" + i));
        }
        StatusRuntimeException large = assertThrows(StatusRuntimeException.class,
                () -> internal.dispatchMany(tooMany.build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, large.getStatus().getCode());
        assertEquals("at most 2000 machines per call, got 2001", large.getStatus().getDescription());
    }

    @Test
    void cancelIsForwardedToTheAgentHoldingTheMachine() throws Exception {
        try (FakeAgent agent = agent("app-02")) {
            agent.send(FakeAgent.hello(subscription, "app-02"));
            agent.next(WELCOME);

            internal.cancel(CancelRequest.newBuilder().setMachine(scope("app-02"))
                    .setExecutionId("e-1").setReason("canceled").build());

            GatewayMessage cancel = agent.next(CANCEL);
            assertEquals("e-1", cancel.getCancel().getExecutionId());
            assertEquals("canceled", cancel.getCancel().getReason());
        }
    }

    @Test
    void rejectionFailsExecutionAndProvisioning() throws Exception {
        try (FakeAgent agent = agent("ops-01")) {
            agent.send(FakeAgent.hello(subscription, "ops-01"));
            agent.next(WELCOME);
            UUID id = db.insertExecution(machineId("ops-01"), "forbidden");
            internal.dispatch(dispatchOf("ops-01"));
            agent.next(RUN);

            agent.send(ProgressMessages.rejected(id, "shell not allowed"));
            // Messages are handled in order, so once the next Output is acknowledged the rejection is stored.
            agent.send(ProgressMessages.output(UUID.randomUUID(), 1, 0, "-"));
            agent.next(ACK);

            Row execution = db.execution(id);
            assertEquals("Failed", execution.getString("state"));
            assertEquals("Rejected by agent: shell not allowed", execution.getString("message"));
            assertEquals("Failed", db.runCommandOf(id).getString("provisioning_state"));
        }
    }

    @Test
    void dispatchForUnknownMachineIsNotFound() {
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
                () -> internal.dispatch(dispatchOf("nowhere-01")));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
        assertEquals("machine " + subscription + "/rg-test/nowhere-01 is not connected to gateway " + identity.id(),
                unknown.getStatus().getDescription());

        StatusRuntimeException invalid = assertThrows(StatusRuntimeException.class,
                () -> internal.dispatch(DispatchRequest.newBuilder()
                        .setMachine(scope("x").toBuilder().setSubscriptionId("")).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, invalid.getStatus().getCode());
        assertEquals("machine.subscription_id must not be empty", invalid.getStatus().getDescription());
    }
}
