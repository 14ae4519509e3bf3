package dev.runcmd.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.AgentServiceGrpc;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import dev.runcmd.proto.agent.v1.Hello;
import dev.runcmd.proto.agent.v1.MachineScope;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in agent on a real gRPC stream: sends what a test tells it and records what the
 * gateway sends. Every wait is bounded.
 */
final class FakeAgent implements AutoCloseable {

    static final long WAIT_SECONDS = 10;

    private final BlockingQueue<GatewayMessage> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Status> ended = new CompletableFuture<>();
    private final ClientCallStreamObserver<AgentMessage> requests;

    private FakeAgent(Channel channel) {
        StreamObserver<GatewayMessage> responses = new StreamObserver<>() {
            @Override
            public void onNext(GatewayMessage message) {
                received.add(message);
            }

            @Override
            public void onError(Throwable failure) {
                ended.complete(Status.fromThrowable(failure));
            }

            @Override
            public void onCompleted() {
                ended.complete(Status.OK);
            }
        };
        requests = (ClientCallStreamObserver<AgentMessage>) AgentServiceGrpc.newStub(channel).connect(responses);
    }

    /** Opens a stream to the gateway. */
    static FakeAgent connect(Channel channel) {
        return new FakeAgent(channel);
    }

    /** A protocol-1 Hello for the given machine name in the test subscription. */
    static Hello hello(String subscription, String machineName) {
        return Hello.newBuilder()
                .setMachine(MachineScope.newBuilder()
                        .setSubscriptionId(subscription)
                        .setResourceGroup("rg-test")
                        .setMachineName(machineName))
                .setOsName("Linux")
                .setOsVersion("6.1")
                .setAgentVersion("0.1.0-test")
                .setHostName(machineName + ".local")
                .setProtocolVersion(1)
                .build();
    }

    void send(AgentMessage message) {
        requests.onNext(message);
    }

    void send(Hello hello) {
        send(AgentMessage.newBuilder().setHello(hello).build());
    }

    /** The next message from the gateway; fails the test if none arrives in time. */
    GatewayMessage next() throws InterruptedException {
        GatewayMessage message = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(message, "no message from the gateway within " + WAIT_SECONDS + " s");
        return message;
    }

    /** The next message, which must be of the given kind. */
    GatewayMessage next(GatewayMessage.KindCase kind) throws InterruptedException {
        GatewayMessage message = next();
        assertEquals(kind, message.getKindCase(), "unexpected message " + message);
        return message;
    }

    /** The next message if one arrives within {@code millis}, else null (for asserting absence). */
    GatewayMessage poll(long millis) throws InterruptedException {
        return received.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Whether the stream ended. */
    boolean hasEnded() {
        return ended.isDone();
    }

    /** How the gateway ended the stream; fails the test if it does not end in time. */
    Status awaitEnd() throws Exception {
        return ended.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Drops the connection the way a crashed agent would: the call is cancelled. */
    void cancel() {
        requests.cancel("agent went away", null);
    }

    @Override
    public void close() {
        if (!ended.isDone()) {
            requests.cancel("test finished", null);
        }
    }
}
