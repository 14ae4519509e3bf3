package dev.runcmd.gateway;

import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.RUN;
import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.WELCOME;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.AgentServiceGrpc;
import dev.runcmd.proto.agent.v1.Heartbeat;
import dev.runcmd.proto.agent.v1.Output;
import dev.runcmd.proto.agent.v1.OutputStream;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Agents that break the protocol, each on a real gRPC stream: each gets a precise status and
 * loses its session, and a well-behaved agent connected beside it keeps storing output.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class BadPeerTest extends GatewayTestSupport {

    private FakeAgent good;
    private UUID goodExecution;
    private long goodOffset;

    @BeforeEach
    void connectWellBehavedAgent() throws InterruptedException {
        good = agent("good-01");
        goodExecution = openWithExecution(good, "good-01", "steady");
        internal.dispatch(dispatchOf("good-01")); // or the sweep delivers it first: one Run either way
        good.next(RUN);
        goodOffset = 0;
        assertGoodAgentWorks();
    }

    @AfterEach
    void closeWellBehavedAgent() throws InterruptedException {
        assertGoodAgentWorks();
        good.close();
    }

    @Test
    void secondHelloIsInvalidArgument() throws Exception {
        try (FakeAgent bad = opened("hello-twice-01")) {
            bad.send(FakeAgent.hello(subscription, "hello-twice-01"));

            assertEnded(bad, Status.Code.INVALID_ARGUMENT, "Hello was already received on this stream");
        }
    }

    @Test
    void aStreamThatNeverSaysHelloIsEndedAfterTheHelloTimeout() throws Exception {
        try (FakeAgent silent = agent("silent-01")) {
            long start = System.nanoTime();
            Status status = silent.awaitEnd();
            assertEquals(Status.Code.DEADLINE_EXCEEDED, status.getCode(), status.toString());
            assertEquals("no Hello within 2000 ms", status.getDescription());
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(1500), "ended before the deadline");
        }
    }

    @Test
    void messageWithoutKindIsInvalidArgument() throws Exception {
        try (FakeAgent bad = opened("empty-01")) {
            bad.send(AgentMessage.getDefaultInstance());

            assertEnded(bad, Status.Code.INVALID_ARGUMENT, "message has no kind set");
        }
    }

    @Test
    void oversizeFirstMessageIsResourceExhausted() throws Exception {
        try (FakeAgent bad = agent("oversize-01")) {
            bad.send(oversizeOutput());

            Status status = bad.awaitEnd();
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode(), status.toString());
            assertTrue(status.getDescription().startsWith("gRPC message exceeds maximum size 1048576: "),
                    status.getDescription());
        }
    }

    /**
     * Once the response headers went out (with Welcome), grpc-java can no longer send trailers for
     * a deframing failure: it resets the stream, and the client sees CANCELLED. The session ends.
     */
    @Test
    void oversizeMessageInAnOpenSessionResetsTheStream() throws Exception {
        try (FakeAgent bad = opened("huge-01")) {
            bad.send(oversizeOutput());

            Status status = bad.awaitEnd();
            assertEquals(Status.Code.CANCELLED, status.getCode(), status.toString());
            assertEquals("RST_STREAM closed stream. HTTP/2 error code: CANCEL", status.getDescription());
        }
        long machineId = machineId("huge-01");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(
                () -> assertEquals("Disconnected", db.machine(machineId).getString("status")));
    }

    private static AgentMessage oversizeOutput() {
        return AgentMessage.newBuilder().setOutput(Output.newBuilder()
                .setExecutionId(UUID.randomUUID().toString())
                .setStream(OutputStream.STDOUT)
                .setData(ByteString.copyFrom(new byte[1_100_000]))).build();
    }

    /** grpc-java fails to parse the request before the service sees it, and says so itself. */
    @Test
    void malformedFrameIsUnknownApplicationError() throws Exception {
        MethodDescriptor<byte[], byte[]> raw = AgentServiceGrpc.getConnectMethod()
                .toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE).build();
        ClientCall<byte[], byte[]> call = tls.enrolled(db, subscription, "raw-01").newCall(raw, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
        CompletableFuture<Status> closed = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
            }
        }, new Metadata());
        call.request(1);
        // Field 1 (hello), length-delimited, says 127 bytes follow; none do.
        call.sendMessage(new byte[] {0x0A, 0x7F});

        Status status = closed.get(FakeAgent.WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(Status.Code.UNKNOWN, status.getCode(), status.toString());
        assertEquals("Application error processing RPC", status.getDescription());
    }

    @Test
    void reportOnAnotherMachinesExecutionIsPermissionDenied() throws Exception {
        try (FakeAgent bad = opened("thief-01")) {
            bad.send(ProgressMessages.started(goodExecution));

            assertEnded(bad, Status.Code.PERMISSION_DENIED, "execution " + goodExecution
                    + " does not belong to machine " + subscription + "/rg-test/thief-01");
        }
        assertEquals("Dispatched", db.execution(goodExecution).getString("state"));
        assertNull(db.execution(goodExecution).getOffsetDateTime("start_time"));
    }

    @Test
    void outputOfAnotherMachinesExecutionIsPermissionDenied() throws Exception {
        try (FakeAgent bad = opened("thief-02")) {
            bad.send(ProgressMessages.output(goodExecution, 1, 0, "forged"));

            assertEnded(bad, Status.Code.PERMISSION_DENIED, "execution " + goodExecution
                    + " does not belong to machine " + subscription + "/rg-test/thief-02");
        }
    }

    @Test
    void executionIdThatIsNoUuidIsPermissionDenied() throws Exception {
        try (FakeAgent bad = opened("odd-01")) {
            bad.send(AgentMessage.newBuilder().setOutput(Output.newBuilder()
                    .setExecutionId("not-a-uuid").setStream(OutputStream.STDOUT)
                    .setData(ByteString.copyFromUtf8("x"))).build());

            assertEnded(bad, Status.Code.PERMISSION_DENIED,
                    "execution not-a-uuid does not belong to machine " + subscription + "/rg-test/odd-01");
        }
    }

    @Test
    void outputLeavingAGapIsFailedPrecondition() throws Exception {
        try (FakeAgent bad = agent("gappy-01")) {
            UUID id = openWithExecution(bad, "gappy-01", "gappy");
            internal.dispatch(dispatchOf("gappy-01")); // or the sweep delivers it mid-test: one Run either way
            bad.next(RUN);
            bad.send(ProgressMessages.output(id, 1, 0, "abc"));
            awaitAck(bad, id, 3, 0);

            bad.send(ProgressMessages.output(id, 1, 3, "def")); // contiguous
            bad.send(ProgressMessages.output(id, 1, 2, "cdefg")); // overlaps: fine
            bad.send(ProgressMessages.output(id, 1, 10, "late"));

            assertEnded(bad, Status.Code.FAILED_PRECONDITION, "output of " + id + " stdout at offset 10 leaves a gap after 7");
            long stored = db.execution(id).getLong("stdout_bytes");
            // Units before the one with the gap are stored; that one stores nothing.
            assertTrue(stored >= 3 && stored <= 7, "stored " + stored + " bytes");
            assertEquals(0, db.count("select count(*) from output_chunk where execution_id = $1 and \"offset\" = 10",
                    Tuple.of(id)));
        }
    }

    @Test
    void floodIsResourceExhausted() throws Exception {
        try (FakeAgent bad = opened("flood-01")) {
            AgentMessage heartbeat = AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setTimeMillis(1)).build();
            for (int i = 0; i < 100_000; i++) {
                bad.send(heartbeat);
            }

            Status status = bad.awaitEnd();
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode(), status.toString());
            assertEquals("more than 5000 messages per second", status.getDescription());
        }
    }

    private FakeAgent opened(String machine) throws InterruptedException {
        FakeAgent agent = agent(machine);
        agent.send(FakeAgent.hello(subscription, machine));
        agent.next(WELCOME);
        return agent;
    }

    private static void assertEnded(FakeAgent agent, Status.Code code, String description) throws Exception {
        Status status = agent.awaitEnd();
        assertEquals(code, status.getCode(), status.toString());
        assertEquals(description, status.getDescription());
    }

    /** The well-behaved agent's next Output is stored and acknowledged. */
    private void assertGoodAgentWorks() throws InterruptedException {
        good.send(ProgressMessages.output(goodExecution, 1, goodOffset, "ok\n"));
        goodOffset += 3;
        awaitAck(good, goodExecution, goodOffset, 0);
        assertNotNull(db.execution(goodExecution));
        assertEquals(goodOffset, db.execution(goodExecution).getLong("stdout_bytes"));
    }

    /** A marshaller that passes bytes through, to send frames that are not valid messages. */
    private enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {
        INSTANCE;

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
