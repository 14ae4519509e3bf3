package dev.runcmd.control;

import static dev.runcmd.control.Arm.put;
import static dev.runcmd.control.Arm.request;
import static dev.runcmd.control.Arm.runCommand;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.control.output.OutputHub;
import dev.runcmd.proto.gateway.v1.CancelRequest;
import dev.runcmd.proto.v1.CancelRunCommandRequest;
import dev.runcmd.proto.v1.CancelRunCommandResponse;
import dev.runcmd.proto.v1.CreateOrUpdateRunCommandRequest;
import dev.runcmd.proto.v1.DeleteRunCommandRequest;
import dev.runcmd.proto.v1.GetRunCommandRequest;
import dev.runcmd.proto.v1.ListRunCommandsRequest;
import dev.runcmd.proto.v1.MachineRef;
import dev.runcmd.proto.v1.Parameter;
import dev.runcmd.proto.v1.RunCommand;
import dev.runcmd.proto.v1.RunCommandsGrpc;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Cancel over REST and gRPC (Pending, running and ended executions; the running case observed on a fake
 * gateway), the rest of the public runcmd.v1 RunCommands service against the REST views, the standard gRPC
 * health service, and the output hub's LISTEN connection surviving a lost connection.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class CancelAndGrpcApiTest {

    private static FakeGateway gateway;

    @Inject
    OutputHub hub;

    private ManagedChannel channel;
    private RunCommandsGrpc.RunCommandsBlockingStub runCommands;

    @BeforeAll
    static void startGateway() throws Exception {
        gateway = FakeGateway.ofControlApiCa();
        Db.execute("insert into gateway (id, address) values ('gw-cancel', ?)", gateway.address());
    }

    @AfterAll
    static void stopGateway() throws Exception {
        gateway.close();
    }

    @BeforeEach
    void openChannel() {
        channel = ManagedChannelBuilder.forAddress("localhost", RestAssured.port).usePlaintext().intercept(TestAuth.bearer()).build();
        runCommands = RunCommandsGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        gateway.clear();
    }

    @Test
    void cancelPendingMarksCanceled() {
        String rest = OutputRows.newExecution("rg-cancel-pending", "m1", "rest");
        String path = runCommand("rg-cancel-pending", "m1", "rest");

        request().post(path + "/cancel").then().statusCode(200)
                .body("canceled", equalTo(true)).body("message", equalTo(""))
                .body("executionState", equalTo("Canceled"));
        assertEquals("Canceled", Db.queryString("select state from execution where id = ?::uuid", rest));
        assertEquals("Canceled before it started",
                Db.queryString("select message from execution where id = ?::uuid", rest));
        request().get(path).then().statusCode(200).body("properties.provisioningState", equalTo("Canceled"))
                .body("properties.instanceView.executionState", equalTo("Canceled"));

        put(runCommand("rg-cancel-pending", "m1", "grpc"), Arm.scriptBody("sleep 1")).statusCode(201);
        CancelRunCommandResponse response = runCommands.cancelRunCommand(cancel("rg-cancel-pending", "grpc"));
        assertTrue(response.getCanceled());
        assertEquals("Canceled", response.getExecutionState());
    }

    @Test
    void cancelFinishedIsNoOp() {
        String execution = OutputRows.newExecution("rg-cancel-done", "m1", "job");
        OutputRows.store(execution, OutputRows.STDOUT, 0, "kept\n".getBytes());
        OutputRows.end(execution, "Succeeded", 0, "");

        request().post(runCommand("rg-cancel-done", "m1", "job") + "/cancel").then().statusCode(200)
                .body("canceled", equalTo(false))
                .body("message", equalTo("the execution already ended: Succeeded"))
                .body("executionState", equalTo("Succeeded"));
        CancelRunCommandResponse response = runCommands.cancelRunCommand(cancel("rg-cancel-done", "job"));
        assertFalse(response.getCanceled());
        assertEquals("the execution already ended: Succeeded", response.getMessage());
        assertEquals("Succeeded", Db.queryString("select state from execution where id = ?::uuid", execution));
        request().queryParam("stream", "stdout").get(runCommand("rg-cancel-done", "m1", "job") + "/output")
                .then().statusCode(200).body(equalTo("kept\n"));
        request().post(runCommand("rg-cancel-done", "m1", "absent") + "/cancel").then().statusCode(404)
                .body("error.code", equalTo("ResourceNotFound"));
        assertCode(Status.Code.NOT_FOUND, () -> runCommands.cancelRunCommand(cancel("rg-cancel-done", "absent")));
    }

    @Test
    void cancelRunningSendsCancelToGateway() throws Exception {
        long machineId = Db.insertMachine(Arm.SUB, "rg-cancel-run", "m1");
        Db.execute("insert into agent_session (machine_id, gateway_id, session_id) values (?, 'gw-cancel', 's1')",
                machineId);
        for (String name : List.of("rest", "grpc")) {
            put(runCommand("rg-cancel-run", "m1", name), Arm.scriptBody("sleep 100")).statusCode(201);
            String execution = Db.queryString("select current_execution_id::text from run_command "
                    + "where machine_id = ? and name = ?", machineId, name);
            OutputRows.running(execution);
            if (name.equals("rest")) {
                request().post(runCommand("rg-cancel-run", "m1", name) + "/cancel").then().statusCode(200)
                        .body("canceled", equalTo(true)).body("executionState", equalTo("Running"));
            } else {
                assertEquals("Running", runCommands.cancelRunCommand(cancel("rg-cancel-run", name))
                        .getExecutionState());
            }
            CancelRequest sent = nextCancelFor(execution);
            assertEquals("canceled", sent.getReason());
            assertEquals("m1", sent.getMachine().getMachineName());
            assertEquals("Running", Db.queryString("select state from execution where id = ?::uuid", execution));
        }
    }

    @Test
    void grpcCreateGetListDeleteMirrorRest() {
        Db.insertMachine(Arm.SUB, "rg-grpc-crud", "m1");
        RunCommand created = runCommands.createOrUpdateRunCommand(CreateOrUpdateRunCommandRequest.newBuilder()
                .setMachine(ref("rg-grpc-crud")).setName("job").setLocation("westeurope").setScript("echo $A $1")
                .addParameters(Parameter.newBuilder().setName("A").setValue("x"))
                .addParameters(Parameter.newBuilder().setName("").setValue("443"))
                .addProtectedParameters(Parameter.newBuilder().setName("TOKEN").setValue("s3cr3t"))
                .setTimeoutInSeconds(60).setAsyncExecution(true).putTags("team", "ops")
                .setDeliveryTimeoutInSeconds(600).build());

        JsonPath view = request().get(runCommand("rg-grpc-crud", "m1", "job")).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(view.getString("id"), created.getId());
        assertEquals("Creating", created.getProvisioningState());
        assertEquals("Pending", created.getExecutionState());
        assertEquals(Db.queryString("select current_execution_id::text from run_command where name = 'job' "
                + "and machine_id = (select id from machine where resource_group = 'rg-grpc-crud')"),
                created.getExecutionId());
        assertEquals(view.getString("properties.source.script"), created.getScript());
        assertEquals(view.getList("properties.parameters.value"),
                created.getParametersList().stream().map(Parameter::getValue).toList());
        assertEquals(60, created.getTimeoutInSeconds());
        assertEquals(600, created.getDeliveryTimeoutInSeconds());
        assertEquals(600, view.getInt("properties.deliveryTimeoutInSeconds"));
        long deliverWithin = Db.queryLong("select extract(epoch from deliver_by - now())::bigint from execution "
                + "where id = ?::uuid", created.getExecutionId());
        assertTrue(deliverWithin <= 600 && deliverWithin >= 540, "deliver_by is now() + " + deliverWithin + " s");
        assertEquals("westeurope", created.getLocation());
        assertEquals(Map.of("team", "ops"), created.getTagsMap());
        assertTrue(created.getAsyncExecution());
        assertFalse(created.toString().contains("s3cr3t"), "a protected value was returned");
        assertFalse(created.getOperationId().isEmpty(), "a write's answer names its operation");
        created = created.toBuilder().clearOperationId().build();
        assertEquals(created, runCommands.getRunCommand(GetRunCommandRequest.newBuilder()
                .setMachine(ref("rg-grpc-crud")).setName("job").build()));
        assertEquals(List.of(created), runCommands.listRunCommands(ListRunCommandsRequest.newBuilder()
                .setMachine(ref("rg-grpc-crud")).build()).getRunCommandsList());

        assertTrue(runCommands.deleteRunCommand(delete("rg-grpc-crud")).getDeleted());
        request().get(runCommand("rg-grpc-crud", "m1", "job")).then().statusCode(404);
        assertFalse(runCommands.deleteRunCommand(delete("rg-grpc-crud")).getDeleted());
    }

    @Test
    void grpcCreateRefusesWhatRestRefuses() {
        Db.insertMachine(Arm.SUB, "rg-grpc-bad", "m1");
        CreateOrUpdateRunCommandRequest valid = CreateOrUpdateRunCommandRequest.newBuilder()
                .setMachine(ref("rg-grpc-bad")).setName("job").setLocation("eastus").setScript("true").build();

        assertDescription("Invalid request content at 'location'", () -> runCommands.createOrUpdateRunCommand(
                valid.toBuilder().setLocation(" ").build()));
        assertDescription("Invalid request content at 'properties.parameters[0].name'",
                () -> runCommands.createOrUpdateRunCommand(valid.toBuilder()
                        .addParameters(Parameter.newBuilder().setName("1BAD").setValue("v")).build()));
        assertDescription("Invalid request content at 'properties.timeoutInSeconds'",
                () -> runCommands.createOrUpdateRunCommand(valid.toBuilder().setTimeoutInSeconds(-1).build()));
        assertDescription("Invalid request content at 'properties.deliveryTimeoutInSeconds'",
                () -> runCommands.createOrUpdateRunCommand(valid.toBuilder()
                        .setDeliveryTimeoutInSeconds(2_592_001).build()));
        assertDescription("name", () -> runCommands.createOrUpdateRunCommand(valid.toBuilder()
                .setName("bad name").build()));
        assertEquals(86400, runCommands.createOrUpdateRunCommand(valid).getDeliveryTimeoutInSeconds(),
                "0 (unset) is the default");
        assertCode(Status.Code.NOT_FOUND, () -> runCommands.createOrUpdateRunCommand(valid.toBuilder()
                .setMachine(ref("rg-grpc-bad").toBuilder().setMachineName("absent")).build()));
    }

    @Test
    void grpcFollowerThatLeavesIsForgotten() {
        String execution = OutputRows.newExecution("rg-grpc-leave", "m1", "job");
        OutputRows.running(execution);
        OutputCollector follower = new OutputCollector(false);
        RunCommandsGrpc.newStub(channel).streamOutput(OutputApi.follow("rg-grpc-leave"), follower);
        UUID id = UUID.fromString(execution);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> hub.followerCount(id) == 1);

        follower.cancel();

        Awaitility.await("the cancel handler unregisters the follower").atMost(Duration.ofSeconds(10))
                .until(() -> hub.followerCount(id) == 0);
    }

    @Test
    void outputHubListensAgainAfterConnectionLoss() {
        String listening = "select count(*) from pg_stat_activity where query ilike 'LISTEN%runcmd_output%'";
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Db.queryLong(listening) == 1);
        long before = Db.queryLong("select pid from pg_stat_activity where query ilike 'LISTEN%runcmd_output%'");

        Db.queryLong("select count(pg_terminate_backend(pid)) from pg_stat_activity where pid = ?", (int) before);

        Awaitility.await("a new LISTEN session").atMost(Duration.ofSeconds(15)).until(() -> Db.queryLong(
                "select count(*) from pg_stat_activity where query ilike 'LISTEN%runcmd_output%' and pid <> ?",
                (int) before) == 1);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(hub::isListening);
    }

    @Test
    void healthServiceServes() {
        HealthCheckResponse response = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService("").build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, response.getStatus());
    }

    private static CancelRequest nextCancelFor(String execution) throws InterruptedException {
        CancelRequest sent = gateway.nextCancel();
        assertNotNull(sent, "no Cancel within 5 s");
        assertEquals(execution, sent.getExecutionId());
        return sent;
    }

    private static MachineRef ref(String rg) {
        return MachineRef.newBuilder().setSubscriptionId(Arm.SUB).setResourceGroup(rg).setMachineName("m1").build();
    }

    private static CancelRunCommandRequest cancel(String rg, String name) {
        return CancelRunCommandRequest.newBuilder().setMachine(ref(rg)).setName(name).build();
    }

    private static DeleteRunCommandRequest delete(String rg) {
        return DeleteRunCommandRequest.newBuilder().setMachine(ref(rg)).setName("job").build();
    }

    private static void assertCode(Status.Code expected, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(expected, e.getStatus().getCode(), e.getStatus().toString());
    }

    private static void assertDescription(String field, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().startsWith(field), e.getStatus().getDescription());
    }
}
