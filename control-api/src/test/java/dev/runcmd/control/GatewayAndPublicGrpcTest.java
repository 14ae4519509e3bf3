package dev.runcmd.control;

import static dev.runcmd.control.Arm.put;
import static dev.runcmd.control.Arm.request;
import static dev.runcmd.control.Arm.runCommand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.control.dispatch.Dispatcher;
import dev.runcmd.control.machine.MachineScope;
import dev.runcmd.proto.gateway.v1.CancelRequest;
import dev.runcmd.proto.gateway.v1.DispatchManyRequest;
import dev.runcmd.proto.gateway.v1.DispatchRequest;
import dev.runcmd.proto.pki.CertificateAuthority;
import dev.runcmd.proto.pki.ServiceIdentity;
import dev.runcmd.proto.v1.GetMachineRequest;
import dev.runcmd.proto.v1.GetRunCommandRequest;
import dev.runcmd.proto.v1.ListMachinesRequest;
import dev.runcmd.proto.v1.ListRunCommandsRequest;
import dev.runcmd.proto.v1.Machine;
import dev.runcmd.proto.v1.MachineRef;
import dev.runcmd.proto.v1.MachinesGrpc;
import dev.runcmd.proto.v1.RunCommand;
import dev.runcmd.proto.v1.RunCommandsGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * What the control API tells the gateway holding a machine after a commit (Dispatch, Cancel with its reason) and
 * for a fan-out (one DispatchMany per gateway), observed on fake gateways served over mutual TLS as the real one is
 * (and nothing to a gateway whose certificate another CA issued); and the public runcmd.v1 gRPC services (with
 * reflection) served on the HTTP port.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class GatewayAndPublicGrpcTest {

    private static FakeGateway gateway;
    private ManagedChannel channel;

    @BeforeAll
    static void startGateway() throws Exception {
        gateway = FakeGateway.ofControlApiCa();
        Db.execute("insert into gateway (id, address) values ('gw-test', ?)", gateway.address());
    }

    @AfterAll
    static void stopGateway() throws Exception {
        gateway.close();
    }

    @BeforeEach
    void openChannel() {
        channel = ManagedChannelBuilder.forAddress("localhost", RestAssured.port).usePlaintext().intercept(TestAuth.bearer()).build();
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        gateway.clear();
    }

    @Test
    void putDispatchesToTheGatewayHoldingTheMachine() throws Exception {
        connect(Db.insertMachine(Arm.SUB, "rg-dispatch", "agent-1"), "gw-test");
        put(runCommand("rg-dispatch", "agent-1", "rc"), Arm.scriptBody("echo hi")).statusCode(201);

        DispatchRequest dispatch = gateway.nextDispatch();
        assertNotNull(dispatch, "no Dispatch within 5 s");
        assertEquals(Arm.SUB, dispatch.getMachine().getSubscriptionId());
        assertEquals("rg-dispatch", dispatch.getMachine().getResourceGroup());
        assertEquals("agent-1", dispatch.getMachine().getMachineName());
        assertEquals(ServiceIdentity.CONTROL_API, gateway.callers.poll(5, TimeUnit.SECONDS),
                "the call did not come with the control API's client certificate");
    }

    @Test
    void dispatchAllSendsOneDispatchManyPerGatewayWithItsMachines() throws Exception {
        try (FakeGateway other = FakeGateway.ofControlApiCa()) {
            Db.execute("insert into gateway (id, address) values ('gw-other', ?)", other.address());
            connect(Db.insertMachine(Arm.SUB, "rg-fan", "fan-1"), "gw-test");
            connect(Db.insertMachine(Arm.SUB, "rg-fan", "fan-2"), "gw-test");
            connect(Db.insertMachine(Arm.SUB, "rg-fan", "fan-3"), "gw-other");
            Db.insertMachine(Arm.SUB, "rg-fan", "fan-4"); // no session: nothing to send
            MachineScope fan1 = new MachineScope(Arm.SUB, "rg-fan", "fan-1");

            Arc.container().instance(Dispatcher.class).get().dispatchAll(List.of(fan1,
                    new MachineScope(Arm.SUB, "rg-fan", "fan-2"), new MachineScope(Arm.SUB, "rg-fan", "fan-3"),
                    new MachineScope(Arm.SUB, "rg-fan", "fan-4"), new MachineScope(Arm.SUB, "rg-fan", "unknown"),
                    fan1));

            DispatchManyRequest toTest = gateway.nextDispatchMany();
            DispatchManyRequest toOther = other.nextDispatchMany();
            assertNotNull(toTest, "no DispatchMany to gw-test within 5 s");
            assertNotNull(toOther, "no DispatchMany to gw-other within 5 s");
            assertEquals(Set.of("fan-1", "fan-2"), machineNames(toTest));
            assertEquals(2, toTest.getMachinesCount(), "fan-1 was listed twice and must be sent once");
            assertEquals(List.of("fan-3"), toOther.getMachinesList().stream()
                    .map(dev.runcmd.proto.agent.v1.MachineScope::getMachineName).toList());
            assertEquals("rg-fan", toOther.getMachines(0).getResourceGroup());
            assertEquals(Arm.SUB, toOther.getMachines(0).getSubscriptionId());
            assertTrue(gateway.dispatches.isEmpty() && other.dispatches.isEmpty(), "one call per gateway, no Dispatch");
        }
    }

    private static Set<String> machineNames(DispatchManyRequest request) {
        return request.getMachinesList().stream().map(dev.runcmd.proto.agent.v1.MachineScope::getMachineName)
                .collect(Collectors.toSet());
    }

    @Test
    void gatewayWithCertificateFromAnotherCaGetsNothing() throws Exception {
        CertificateAuthority foreign = CertificateAuthority.create("not the runcmd CA", Duration.ofDays(1));
        try (FakeGateway impostor = new FakeGateway(foreign, FakeGateway.controlApiCa().certificate())) {
            Db.execute("insert into gateway (id, address) values ('gw-impostor', ?)", impostor.address());
            long machineId = Db.insertMachine(Arm.SUB, "rg-dispatch", "agent-5");
            connect(machineId, "gw-impostor");

            put(runCommand("rg-dispatch", "agent-5", "rc"), Arm.scriptBody("echo hi")).statusCode(201);

            assertNull(impostor.nextDispatch(), "the control API sent a Dispatch to a gateway it must not trust");
            assertEquals("Pending", Db.queryString("select state from execution where machine_id = ?", machineId));
        }
    }

    @Test
    void updateOfDispatchedExecutionSendsCancelThenDispatch() throws Exception {
        long machineId = Db.insertMachine(Arm.SUB, "rg-dispatch", "agent-2");
        connect(machineId, "gw-test");
        String path = runCommand("rg-dispatch", "agent-2", "rc");
        put(path, Arm.scriptBody("sleep 100")).statusCode(201);
        assertNotNull(gateway.nextDispatch(), "no Dispatch for the first PUT");
        String first = currentExecution(machineId);
        Db.execute("update execution set state = 'Dispatched' where id = ?::uuid", first);

        put(path, Arm.scriptBody("echo again")).statusCode(200);

        CancelRequest cancel = gateway.nextCancel();
        assertNotNull(cancel, "no Cancel within 5 s");
        assertEquals(first, cancel.getExecutionId());
        assertEquals("updated", cancel.getReason());
        assertEquals("agent-2", cancel.getMachine().getMachineName());
        assertNotNull(gateway.nextDispatch(), "no Dispatch for the second PUT");
        assertEquals("Dispatched", Db.queryString("select state from execution where id = ?::uuid", first));
    }

    @Test
    void deleteOfRunningExecutionSendsCancelDeleted() throws Exception {
        long machineId = Db.insertMachine(Arm.SUB, "rg-dispatch", "agent-3");
        connect(machineId, "gw-test");
        String path = runCommand("rg-dispatch", "agent-3", "rc");
        put(path, Arm.scriptBody("sleep 100")).statusCode(201);
        String execution = currentExecution(machineId);
        Db.execute("update execution set state = 'Running' where id = ?::uuid", execution);

        request().delete(path).then().statusCode(202);

        CancelRequest cancel = gateway.nextCancel();
        assertNotNull(cancel, "no Cancel within 5 s");
        assertEquals(execution, cancel.getExecutionId());
        assertEquals("deleted", cancel.getReason());
    }

    @Test
    void gatewayAddressItsCertificateDoesNotNameGetsNothing() throws Exception {
        String port = gateway.address().substring(gateway.address().lastIndexOf(':') + 1);
        Db.execute("insert into gateway (id, address) values ('gw-other-name', ?)", "127.0.0.2:" + port);
        long machineId = Db.insertMachine(Arm.SUB, "rg-dispatch", "agent-6");
        connect(machineId, "gw-other-name");

        put(runCommand("rg-dispatch", "agent-6", "rc"), Arm.scriptBody("echo hi")).statusCode(201);

        assertNull(gateway.nextDispatch(), "the control API accepted a certificate for localhost at 127.0.0.2");
    }

    @Test
    void unreachableGatewayLeavesExecutionPending() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-dispatch", "agent-4");
        Db.execute("insert into gateway (id, address) values ('gw-gone', 'localhost:1')");
        connect(machineId, "gw-gone");

        put(runCommand("rg-dispatch", "agent-4", "rc"), Arm.scriptBody("echo hi")).statusCode(201);
        assertEquals("Pending", Db.queryString("select state from execution where machine_id = ?", machineId));
    }

    @Test
    void publicMachinesServiceReadsMachines() {
        Db.insertMachine(Arm.SUB, "rg-grpc-m", "host-b");
        Db.insertMachine(Arm.SUB, "rg-grpc-m", "host-a");
        MachinesGrpc.MachinesBlockingStub machines = MachinesGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS);

        Machine machine = machines.getMachine(GetMachineRequest.newBuilder().setMachine(ref("rg-grpc-m", "host-a"))
                .build());
        assertEquals(Arm.machines("rg-grpc-m") + "/host-a", machine.getId());
        assertEquals("Connected", machine.getStatus());
        assertEquals("Linux", machine.getOsName());
        assertEquals("2026-11-26T10:00:00Z", machine.getLastStatusChange());
        assertEquals(2, machines.listMachines(ListMachinesRequest.newBuilder().setSubscriptionId(Arm.SUB)
                .setResourceGroup("rg-grpc-m").build()).getMachinesCount());
        assertStatus(Status.Code.NOT_FOUND, () -> machines.getMachine(GetMachineRequest.newBuilder()
                .setMachine(ref("rg-grpc-m", "host-z")).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> machines.listMachines(ListMachinesRequest.newBuilder()
                .setResourceGroup("rg-grpc-m").build()));
    }

    @Test
    void publicRunCommandsServiceReadsRunCommands() {
        Db.insertMachine(Arm.SUB, "rg-grpc-rc", "host-a");
        put(runCommand("rg-grpc-rc", "host-a", "rc"), Arm.scriptBody("echo hi")).statusCode(201);
        RunCommandsGrpc.RunCommandsBlockingStub runCommands = RunCommandsGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS);

        RunCommand rc = runCommands.getRunCommand(GetRunCommandRequest.newBuilder()
                .setMachine(ref("rg-grpc-rc", "host-a")).setName("rc").build());
        assertEquals(runCommand("rg-grpc-rc", "host-a", "rc"), rc.getId());
        assertEquals("Creating", rc.getProvisioningState());
        assertEquals("Pending", rc.getExecutionState());
        assertEquals("", rc.getStartTime());
        assertEquals(1, runCommands.listRunCommands(ListRunCommandsRequest.newBuilder()
                .setMachine(ref("rg-grpc-rc", "host-a")).build()).getRunCommandsCount());
        assertStatus(Status.Code.NOT_FOUND, () -> runCommands.getRunCommand(GetRunCommandRequest.newBuilder()
                .setMachine(ref("rg-grpc-rc", "host-a")).setName("absent").build()));
        assertStatus(Status.Code.NOT_FOUND, () -> runCommands.listRunCommands(ListRunCommandsRequest.newBuilder()
                .setMachine(ref("rg-grpc-rc", "host-z")).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> runCommands.getRunCommand(GetRunCommandRequest
                .newBuilder().setMachine(ref("rg-grpc-rc", "host-a")).setName("bad name!").build()));
    }

    @Test
    void reflectionListsThePublicServices() throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        answer.complete(response);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        answer.completeExceptionally(new IllegalStateException("no reflection response"));
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());

        List<String> services = answer.get(5, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
                .map(ServiceResponse::getName).toList();
        requests.onCompleted();
        assertTrue(services.containsAll(List.of("runcmd.v1.RunCommands", "runcmd.v1.Machines")),
                services.toString());
    }

    private static void connect(long machineId, String gatewayId) {
        Db.execute("insert into agent_session (machine_id, gateway_id, session_id) values (?, ?, 's-' || ?)",
                machineId, gatewayId, machineId);
    }

    private static String currentExecution(long machineId) {
        return Db.queryString("select current_execution_id::text from run_command where machine_id = ?", machineId);
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
