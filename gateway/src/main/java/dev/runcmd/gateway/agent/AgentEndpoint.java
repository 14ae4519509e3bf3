package dev.runcmd.gateway.agent;

import dev.runcmd.gateway.config.GatewayConfig;
import dev.runcmd.gateway.session.Outbox;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.AgentServiceGrpc;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
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
    private final int outboxLimit;
    private final int ingestWindow;

    AgentEndpoint(SessionOpener opener, ProgressHandler progress, GatewayConfig config) {
        if (config.ingestWindow() < 1) {
            throw new IllegalArgumentException("runcmd.gateway.ingest-window must be at least 1: " + config.ingestWindow());
        }
        this.opener = opener;
        this.progress = progress;
        this.outboxLimit = config.outboxLimit();
        this.ingestWindow = config.ingestWindow();
    }

    @Override
    public StreamObserver<AgentMessage> connect(StreamObserver<GatewayMessage> responses) {
        ServerCallStreamObserver<GatewayMessage> call = (ServerCallStreamObserver<GatewayMessage>) responses;
        AgentStream stream = new AgentStream(call, new Outbox(call, outboxLimit), UUID.randomUUID().toString(),
                opener, progress, ingestWindow);
        stream.start();
        return stream;
    }
}
