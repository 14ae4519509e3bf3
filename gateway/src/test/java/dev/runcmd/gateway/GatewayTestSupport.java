package dev.runcmd.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.gateway.config.GatewayIdentity;
import dev.runcmd.gateway.internal.InternalListener;
import dev.runcmd.gateway.pki.AuthorityStore;
import dev.runcmd.gateway.pki.GatewayTls;
import dev.runcmd.proto.agent.v1.Ack;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import dev.runcmd.proto.agent.v1.MachineScope;
import dev.runcmd.proto.gateway.v1.DispatchRequest;
import dev.runcmd.proto.gateway.v1.GatewayInternalGrpc.GatewayInternalBlockingStub;
import dev.runcmd.proto.gateway.v1.GatewayInternalGrpc;
import io.grpc.ManagedChannel;
import io.quarkus.grpc.runtime.GrpcServer;
import io.quarkus.value.registry.ValueRegistry;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the gateway tests share: TLS channels to the gateway's real agent port (fake agents, each
 * enrolled through the real Enroll call) and internal listener (a fake control API with the
 * control API's certificate), direct database access, and a fresh subscription per test, so tests
 * share the database without seeing each other's rows.
 */
abstract class GatewayTestSupport {

    @Inject
    Pool pool;

    @Inject
    ValueRegistry values;

    @Inject
    GatewayIdentity identity;

    @Inject
    GatewayTls gatewayTls;

    @Inject
    AuthorityStore authorities;

    @Inject
    InternalListener internalListener;

    /** A channel to the agent port without a client certificate. */
    ManagedChannel channel;
    GatewayInternalBlockingStub internal;
    TestDb db;
    TestTls tls;
    String subscription;

    @BeforeEach
    void connectClients() {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(gatewayTls::isReady);
        db = new TestDb(pool);
        tls = new TestTls(authorities.load().await().atMost(Duration.ofSeconds(10)), agentPort());
        channel = tls.anonymous();
        internal = GatewayInternalGrpc.newBlockingStub(tls.controlApi(internalListener.port()))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
        subscription = "sub-" + UUID.randomUUID();
    }

    @AfterEach
    void closeClients() throws InterruptedException {
        tls.close();
    }

    int agentPort() {
        return values.get(GrpcServer.GRPC_PORT);
    }

    /** Enrolls the machine (in the test subscription's rg-test) and opens a stream with its certificate. */
    FakeAgent agent(String machine) {
        return FakeAgent.connect(tls.enrolled(db, subscription, machine));
    }

    long machineId(String name) {
        return db.one("select id from machine where subscription_id = $1 and name = $2", Tuple.of(subscription, name))
                .getLong("id");
    }

    /** Says Hello as machine {@code machine}, awaits Welcome, and inserts a Pending execution for it. */
    UUID openWithExecution(FakeAgent agent, String machine, String runCommand) throws InterruptedException {
        agent.send(FakeAgent.hello(subscription, machine));
        agent.next(GatewayMessage.KindCase.WELCOME);
        return db.insertExecution(machineId(machine), runCommand);
    }

    /**
     * Like {@link #openWithExecution}, but the execution is inserted only once the delivery that follows the Hello
     * has ended (it delivers a first execution, inserted before the Hello, whose Run is awaited): only a Dispatch
     * (or the periodic sweep) can deliver the one returned, so a test may count what its Dispatch delivered.
     */
    UUID openThenInsert(FakeAgent agent, String machine, String runCommand) throws InterruptedException {
        db.insertExecution(machineId(machine), "hello-delivers-" + runCommand);
        agent.send(FakeAgent.hello(subscription, machine));
        agent.next(GatewayMessage.KindCase.WELCOME);
        agent.next(GatewayMessage.KindCase.RUN);
        return db.insertExecution(machineId(machine), runCommand);
    }

    MachineScope scope(String name) {
        return MachineScope.newBuilder().setSubscriptionId(subscription).setResourceGroup("rg-test")
                .setMachineName(name).build();
    }

    DispatchRequest dispatchOf(String name) {
        return DispatchRequest.newBuilder().setMachine(scope(name)).build();
    }

    /**
     * Reads Acks until one covers exactly these offsets. Acks of a window of Outputs may be merged,
     * so earlier ones may cover less, never more.
     */
    static void awaitAck(FakeAgent agent, UUID id, long stdout, long stderr) throws InterruptedException {
        Ack ack;
        do {
            ack = agent.next(GatewayMessage.KindCase.ACK).getAck();
            assertEquals(id.toString(), ack.getExecutionId());
            assertTrue(ack.getStdoutOffset() <= stdout && ack.getStderrOffset() <= stderr, "acked too far: " + ack);
        } while (ack.getStdoutOffset() != stdout || ack.getStderrOffset() != stderr);
    }

    /** Reads Acks until one says the execution's exit is stored (an Output's Ack may merge into it). */
    static void awaitExitAck(FakeAgent agent, UUID id) throws InterruptedException {
        Ack ack;
        do {
            ack = agent.next(GatewayMessage.KindCase.ACK).getAck();
            assertEquals(id.toString(), ack.getExecutionId());
        } while (!ack.getExited());
    }

    static void assertAck(GatewayMessage message, UUID id, long stdout, long stderr, boolean exited) {
        assertEquals(id.toString(), message.getAck().getExecutionId());
        assertEquals(stdout, message.getAck().getStdoutOffset(), "stdout offset");
        assertEquals(stderr, message.getAck().getStderrOffset(), "stderr offset");
        assertEquals(exited, message.getAck().getExited(), "exited");
    }

    /** Asserts that stdout of {@code id} is stored contiguously, each byte once (byte i = i mod 256), {@code total} long, and Succeeded. */
    void assertEachByteStoredOnce(UUID id, long total) {
        List<Row> chunks = db.all("select \"offset\", data from output_chunk where execution_id = $1 and stream = 1"
                + " order by \"offset\"", Tuple.of(id));
        long next = 0;
        for (Row chunk : chunks) {
            byte[] data = chunk.getBuffer("data").getBytes();
            assertEquals(next, chunk.getLong("offset"), "chunks overlap or leave a gap");
            for (int i = 0; i < data.length; i++) {
                assertEquals((byte) (next + i), data[i], "byte at " + (next + i));
            }
            next += data.length;
        }
        assertEquals(total, next);
        Row execution = db.execution(id);
        assertEquals(total, execution.getLong("stdout_bytes"));
        assertEquals("Succeeded", execution.getString("state"));
    }
}
