package dev.runcmd.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.proto.v1.CreateOrUpdateRunCommandRequest;
import dev.runcmd.proto.v1.GetRunCommandRequest;
import dev.runcmd.proto.v1.ListRunCommandsRequest;
import dev.runcmd.proto.v1.MachineRef;
import dev.runcmd.proto.v1.RunCommand;
import dev.runcmd.proto.v1.RunCommandsGrpc;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad peers: a gRPC request message over the inbound limit (RESOURCE_EXHAUSTED) and a gRPC request whose bytes
 * are not the protobuf message (INVALID_ARGUMENT) each end that call with a precise status while the server goes on
 * answering on the same connection; a REST body over the limit gets 413 and its connection is closed unread.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class BadPeersTest {

    private static final String RG = "rg-bad-peers";

    private ManagedChannel channel;
    private RunCommandsGrpc.RunCommandsBlockingStub runCommands;

    @BeforeEach
    void openChannel() {
        channel = ManagedChannelBuilder.forAddress("localhost", RestAssured.port).usePlaintext().intercept(TestAuth.bearer()).build();
        runCommands = RunCommandsGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void oversizeMessageIsResourceExhaustedWhileAMegabyteScriptPasses() {
        Db.insertMachine(Arm.SUB, RG, "m-size");
        String script = "#".repeat(1_000_000);
        RunCommand created = runCommands.createOrUpdateRunCommand(create("m-size", "big", script));
        assertEquals(1_000_000, created.getScript().length(), "a 1 MB script (over the 256 KiB default) is accepted");

        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> runCommands.createOrUpdateRunCommand(create("m-size", "huge", "#".repeat(2 * 1024 * 1024))));

        assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode(), refused.toString());
        assertEquals("the request message is larger than the 1100000 bytes this server accepts "
                + "(quarkus.grpc.server.max-inbound-message-size)",
                refused.getStatus().getDescription());
        RunCommand stored = runCommands.getRunCommand(GetRunCommandRequest.newBuilder()
                .setMachine(ref("m-size")).setName("big").build());
        assertEquals(1_000_000, stored.getScript().length(), "the server answers on the same connection");
        assertEquals(List.of("big"), names("m-size"), "the oversize request stored nothing");
    }

    @Test
    void bytesThatAreNoRequestGetAPreciseStatus() {
        Db.insertMachine(Arm.SUB, RG, "m-garbage");
        MethodDescriptor<byte[], byte[]> raw = RunCommandsGrpc.getGetRunCommandMethod().toBuilder(
                new RawBytes(), new RawBytes()).build();
        // Field 1 (machine) announced with 127 bytes, followed by 2: a truncated protobuf message.
        byte[] garbage = {0x0A, 0x7F, 0x01, 0x02};

        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
                channel, raw, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), garbage));

        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode(), refused.toString());
        assertEquals("the request is not a valid runcmd.v1.GetRunCommandRequest message",
                refused.getStatus().getDescription());
        assertEquals(List.of(), names("m-garbage"), "the server answers on the same connection");
    }

    @Test
    void oversizeRestBodyGets413AndItsConnectionIsClosedUnread() throws Exception {
        try (BoundClient client = BoundClient.http("127.0.0.4", RestAssured.port)) {
            BoundClient.Response response = client.putHead(
                    Arm.runCommand(RG, "m-rest", "rc") + "?api-version=" + Arm.VERSION, 2_000_000);

            assertEquals(413, response.status());
            assertEquals("RequestEntityTooLarge", new JsonPath(response.body()).getString("error.code"));
            assertTrue(client.closedByServer(), "the connection is closed without reading the body");
        }
    }

    private static CreateOrUpdateRunCommandRequest create(String machine, String name, String script) {
        return CreateOrUpdateRunCommandRequest.newBuilder().setMachine(ref(machine)).setName(name)
                .setLocation("eastus").setScript(script).build();
    }

    private List<String> names(String machine) {
        return runCommands.listRunCommands(ListRunCommandsRequest.newBuilder().setMachine(ref(machine)).build())
                .getRunCommandsList().stream().map(RunCommand::getName).toList();
    }

    private static MachineRef ref(String machine) {
        return MachineRef.newBuilder().setSubscriptionId(Arm.SUB).setResourceGroup(RG).setMachineName(machine)
                .build();
    }

    /** Sends and receives messages as they are, so a test can put any bytes on the wire. */
    static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {

        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
