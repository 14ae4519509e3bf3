package dev.runcmd.gateway.agent;

import dev.runcmd.gateway.config.GatewayConfig;
import dev.runcmd.gateway.lifecycle.GatewayLifecycle;
import dev.runcmd.gateway.session.Outbox;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.AgentServiceGrpc;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.vertx.core.Vertx;
import java.util.UUID;

/**
 * AgentService as agents see it: one bidirectional stream per agent (see agent.proto).
 *
 * <p>Implemented on the grpc-java base class rather than the Mutiny one because the stream
 * needs manual inbound flow control and isReady-driven writes. Never blocks: every store call
 * is asynchronous.
 */
@GrpcService
public class AgentEndpoint extends AgentServiceGrpc.AgentServiceImplBase {

    private final SessionOpener opener;
    private final ProgressHandler progress;
    private final GatewayLifecycle lifecycle;
    private final StreamLimits limits;
    private final Vertx vertx;

    AgentEndpoint(SessionOpener opener, ProgressHandler progress, GatewayLifecycle lifecycle, GatewayConfig config,
            Vertx vertx) {
        if (config.ingestWindow() < 1) {
            throw new IllegalArgumentException("runcmd.gateway.ingest-window must be at least 1: " + config.ingestWindow());
        }
        this.opener = opener;
        this.progress = progress;
        this.lifecycle = lifecycle;
        this.vertx = vertx;
        this.limits = new StreamLimits(config.ingestWindow(), config.outboxLimit(), config.maxMessagesPerSecond(),
                config.messageBurst(), lifecycle::isStopping, config.helloTimeout());
        MessageRate.validate(limits.maxMessagesPerSecond(), limits.messageBurst());
    }

    /**
     * Opens an agent's stream; once the gateway shuts down, refuses it with UNAVAILABLE "gateway shutting down".
     * A stream whose Hello has not arrived within {@code runcmd.gateway.hello-timeout} ends DEADLINE_EXCEEDED.
     */
    @Override
    public StreamObserver<AgentMessage> connect(StreamObserver<GatewayMessage> responses) {
        ServerCallStreamObserver<GatewayMessage> call = (ServerCallStreamObserver<GatewayMessage>) responses;
        if (lifecycle.isStopping()) {
            call.onError(AgentStream.SHUTTING_DOWN.asRuntimeException());
            return new RefusedStream();
        }
        AgentStream stream = new AgentStream(call, new Outbox(call, limits.outboxLimit()),
                UUID.randomUUID().toString(), opener, progress, limits);
        stream.start();
        vertx.setTimer(Math.max(1, limits.helloTimeout().toMillis()), timer -> stream.endUnlessHelloArrived());
        return stream;
    }

    /** The inbound side of a stream refused at once: whatever the agent still sends is ignored. */
    private static final class RefusedStream implements StreamObserver<AgentMessage> {
        @Override
        public void onNext(AgentMessage message) {
        }

        @Override
        public void onError(Throwable failure) {
        }

        @Override
        public void onCompleted() {
        }
    }
}
