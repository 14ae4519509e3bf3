package dev.runcmd.control;

import static dev.runcmd.control.Arm.put;
import static dev.runcmd.control.Arm.request;
import static dev.runcmd.control.Arm.runCommand;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.runcmd.control.machine.MachineService;
import dev.runcmd.proto.gateway.v1.CancelRequest;
import dev.runcmd.proto.v1.DeleteMachineRequest;
import dev.runcmd.proto.v1.GetMachineRequest;
import dev.runcmd.proto.v1.MachineRef;
import dev.runcmd.proto.v1.MachinesGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Deleting a machine revokes it: in one transaction its row is marked revoked (enrollment void, Disconnected) and
 * its unfinished executions end Failed; it is then gone for every read and write of the API, and the gateway holding
 * its agent gets a Cancel for what the agent may still be running. Each test uses its own resource group.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class MachineDeleteTest {

    private static FakeGateway gateway;
    private ManagedChannel channel;
    private MachinesGrpc.MachinesBlockingStub machines;

    @BeforeAll
    static void startGateway() throws Exception {
        gateway = FakeGateway.ofControlApiCa();
        Db.execute("insert into gateway (id, address) values ('gw-delete', ?)", gateway.address());
    }

    @AfterAll
    static void stopGateway() throws Exception {
        gateway.close();
    }

    @BeforeEach
    void openChannel() {
        channel = ManagedChannelBuilder.forAddress("localhost", RestAssured.port).usePlaintext().intercept(TestAuth.bearer()).build();
        machines = MachinesGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        gateway.clear();
    }

    @Test
    void deleteEndsPendingAndRunningExecutionsFailedAndRevokesTheMachine() throws Exception {
        String rg = "rg-delete-revoke";
        String pending = OutputRows.newExecution(rg, "m1", "waiting");
        long machineId = Db.queryLong("select machine_id from execution where id = ?::uuid", pending);
        Db.execute("insert into agent_session (machine_id, gateway_id, session_id) values (?, 'gw-delete', 's-1')",
                machineId);
        String running = execution(rg, "m1", "busy");
        Db.execute("update execution set state = 'Running', start_time = now(), accepted_at = now() "
                + "where id = ?::uuid", running);
        String done = execution(rg, "m1", "finished");
        OutputRows.end(done, "Succeeded", 0, "");
        gateway.clear();

        request().delete(Arm.machines(rg) + "/m1").then().statusCode(200);

        for (String ended : new String[] {pending, running}) {
            assertEquals("Failed", Db.queryString("select state from execution where id = ?::uuid", ended));
            assertEquals(MachineService.REVOKED_MESSAGE,
                    Db.queryString("select message from execution where id = ?::uuid", ended));
            assertEquals(1, Db.queryLong("select count(*) from execution where id = ?::uuid and end_time is not null"
                    + " and exit_code is null", ended));
        }
        assertEquals("Failed", provisioning(pending), "the platform never ran the Pending one");
        assertEquals("Succeeded", provisioning(running), "the platform ran the Running one");
        assertEquals("Succeeded", Db.queryString("select state from execution where id = ?::uuid", done));
        assertEquals(1, Db.queryLong("select count(*) from machine where id = ? and revoked_at is not null "
                + "and enrollment_id is null and status = 'Disconnected'", machineId));

        CancelRequest cancel = gateway.nextCancel();
        assertNotNull(cancel, "no Cancel for the running execution within 5 s");
        assertEquals(running, cancel.getExecutionId());
        assertEquals("machine deleted", cancel.getReason());
        assertNull(gateway.cancels.poll(), "a Cancel for an execution no agent held");
    }

    @Test
    void deletedMachineIsGoneForReadsAndWrites() {
        String rg = "rg-delete-gone";
        Db.insertMachine(Arm.SUB, rg, "kept");
        OutputRows.newExecution(rg, "m1", "rc");
        request().delete(Arm.machines(rg) + "/m1").then().statusCode(200);

        request().get(Arm.machines(rg) + "/m1").then().statusCode(404).body("error.code", equalTo("ResourceNotFound"));
        request().get(Arm.machines(rg)).then().statusCode(200)
                .body("value.name", hasItem("kept")).body("value.name", not(hasItem("m1")));
        put(runCommand(rg, "m1", "again"), Arm.scriptBody("echo")).statusCode(404)
                .body("error.code", equalTo("ParentResourceNotFound"));
        request().contentType(ContentType.JSON).body("{\"properties\":{\"timeoutInSeconds\":5}}")
                .patch(runCommand(rg, "m1", "rc")).then().statusCode(404)
                .body("error.code", equalTo("ParentResourceNotFound"));
        request().get(runCommand(rg, "m1", "rc")).then().statusCode(404)
                .body("error.code", equalTo("ParentResourceNotFound"));
        request().get(runCommand(rg, "m1", "rc") + "/output").then().statusCode(404)
                .body("error.code", equalTo("ParentResourceNotFound"));
        assertStatus(Status.Code.NOT_FOUND, () -> machines.getMachine(GetMachineRequest.newBuilder()
                .setMachine(ref(rg, "m1")).build()));
        assertEquals(1, Db.queryLong("select count(*) from run_command r join machine m on m.id = r.machine_id "
                + "where m.resource_group = ?", rg), "a run command was written for the deleted machine");
    }

    @Test
    void putWaitingForADeletionFindsTheMachineGone() throws Exception {
        String rg = "rg-delete-race";
        long machineId = Db.insertMachine(Arm.SUB, rg, "m1");
        try (Connection deletion = Db.connect()) {
            deletion.setAutoCommit(false);
            try (PreparedStatement lock = deletion.prepareStatement("select id from machine where id = ? for update")) {
                lock.setLong(1, machineId);
                lock.executeQuery().close();
            }
            CompletableFuture<Integer> put = CompletableFuture.supplyAsync(
                    () -> put(runCommand(rg, "m1", "rc"), Arm.scriptBody("echo")).extract().statusCode());
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Db.queryLong(
                    "select count(*) from pg_stat_activity where wait_event_type = 'Lock'") > 0);
            try (PreparedStatement revoke = deletion.prepareStatement(
                    "update machine set revoked_at = now() where id = ?")) {
                revoke.setLong(1, machineId);
                revoke.executeUpdate();
            }
            deletion.commit();

            assertEquals(404, put.get(10, TimeUnit.SECONDS));
        }
        assertEquals(0, Db.queryLong("select count(*) from run_command where machine_id = ?", machineId));
    }

    @Test
    void deleteOfAbsentMachineIs204AndChangesNothing() {
        String rg = "rg-delete-absent";
        String pending = OutputRows.newExecution(rg, "m1", "rc");
        request().delete(Arm.machines(rg) + "/m1").then().statusCode(200);

        request().delete(Arm.machines(rg) + "/m1").then().statusCode(204);
        request().delete(Arm.machines(rg) + "/never-enrolled").then().statusCode(204);
        assertEquals(MachineService.REVOKED_MESSAGE,
                Db.queryString("select message from execution where id = ?::uuid", pending));
    }

    @Test
    void deleteWithBadNameIs400AndChangesNothing() {
        String rg = "rg-delete-bad";
        String pending = OutputRows.newExecution(rg, "m1", "rc");

        request().delete(Arm.machines(rg) + "/bad name!").then().statusCode(400)
                .body("error.code", equalTo("InvalidResourceName"))
                .body("error.message", equalTo("The machine name 'bad name!' is invalid: use 1 to 54 characters "
                        + "from letters, digits, '-', '_' and '.', other than '.' and '..'."));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> machines.deleteMachine(DeleteMachineRequest.newBuilder()
                .setMachine(ref(rg, "x".repeat(55))).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> machines.deleteMachine(DeleteMachineRequest.newBuilder()
                .setMachine(MachineRef.newBuilder().setSubscriptionId(Arm.SUB).setMachineName("m1")).build()));
        assertEquals("Pending", Db.queryString("select state from execution where id = ?::uuid", pending));
        assertEquals(0, Db.queryLong("select count(*) from machine where resource_group = ? and revoked_at is not "
                + "null", rg));
    }

    @Test
    void grpcDeleteMachineCountsEndedExecutionsThenAnswersNotFound() {
        String rg = "rg-delete-grpc";
        String pending = OutputRows.newExecution(rg, "m1", "one");
        put(runCommand(rg, "m1", "two"), Arm.scriptBody("echo")).statusCode(201);
        DeleteMachineRequest delete = DeleteMachineRequest.newBuilder().setMachine(ref(rg, "m1")).build();

        assertEquals(2, machines.deleteMachine(delete).getExecutionsEnded());

        assertEquals("Failed", Db.queryString("select state from execution where id = ?::uuid", pending));
        StatusRuntimeException again = assertThrows(StatusRuntimeException.class, () -> machines.deleteMachine(delete));
        assertEquals(Status.Code.NOT_FOUND, again.getStatus().getCode());
        assertEquals("The Resource 'Microsoft.HybridCompute/machines/m1' under resource group '" + rg
                + "' was not found.", again.getStatus().getDescription());
    }

    private static String execution(String rg, String machine, String name) {
        put(runCommand(rg, machine, name), Arm.scriptBody("sleep 100")).statusCode(201);
        return Db.queryString("select r.current_execution_id::text from run_command r join machine m "
                + "on m.id = r.machine_id where m.resource_group = ? and m.name = ? and r.name = ?", rg, machine, name);
    }

    private static String provisioning(String executionId) {
        return Db.queryString("select provisioning_state from run_command where current_execution_id = ?::uuid",
                executionId);
    }

    private static MachineRef ref(String rg, String machine) {
        return MachineRef.newBuilder().setSubscriptionId(Arm.SUB).setResourceGroup(rg).setMachineName(machine)
                .build();
    }

    private static void assertStatus(Status.Code expected, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(expected, e.getStatus().getCode(), e.getStatus().toString());
    }
}
