package dev.runcmd.gateway.agent;

import dev.runcmd.gateway.config.GatewayConfig;
import dev.runcmd.gateway.lifecycle.GatewayLifecycle;
import dev.runcmd.gateway.pki.PeerCertificates;
import dev.runcmd.gateway.session.Credential;
import dev.runcmd.gateway.session.Outbox;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.AgentServiceGrpc;
import dev.runcmd.proto.agent.v1.EnrollRequest;
import dev.runcmd.proto.agent.v1.EnrollResponse;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import dev.runcmd.proto.pki.MachineIdentity;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.vertx.core.Vertx;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
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

    private static final Status NO_CERTIFICATE = Status.UNAUTHENTICATED.withDescription(
            "a client certificate issued by the runcmd CA is required; enroll the machine with a join token");
    private static final Status NOT_A_MACHINE = Status.PERMISSION_DENIED.withDescription(
            "the client certificate names no machine");

    private final SessionOpener opener;
    private final ProgressHandler progress;
    private final GatewayLifecycle lifecycle;
    private final StreamLimits limits;
    private final Vertx vertx;
    private final Enrollment enrollment;

    AgentEndpoint(SessionOpener opener, ProgressHandler progress, GatewayLifecycle lifecycle, GatewayConfig config,
            Vertx vertx, Enrollment enrollment) {
        this.enrollment = enrollment;
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
     * The connection must carry a client certificate naming a machine (UNAUTHENTICATED otherwise); the stream speaks
     * for that machine only. A stream whose Hello has not arrived within {@code runcmd.gateway.hello-timeout} ends
     * DEADLINE_EXCEEDED.
     */
    @Override
    public StreamObserver<AgentMessage> connect(StreamObserver<GatewayMessage> responses) {
        ServerCallStreamObserver<GatewayMessage> call = (ServerCallStreamObserver<GatewayMessage>) responses;
        if (lifecycle.isStopping()) {
            call.onError(AgentStream.SHUTTING_DOWN.asRuntimeException());
            return new RefusedStream();
        }
        Optional<X509Certificate> certificate = PeerCertificates.current();
        Optional<MachineIdentity> identity = certificate.flatMap(MachineIdentity::of);
        if (identity.isEmpty()) {
            call.onError((certificate.isEmpty() ? NO_CERTIFICATE : NOT_A_MACHINE).asRuntimeException());
            return new RefusedStream();
        }
        Instant notAfter = certificate.get().getNotAfter().toInstant();
        if (Instant.now().isAfter(notAfter)) {
            // A resumed TLS session carries the certificate of its first handshake, which may have expired since.
            call.onError(Status.UNAUTHENTICATED.withDescription("the client certificate expired at " + notAfter
                    + "; enroll the machine again with a new join token").asRuntimeException());
            return new RefusedStream();
        }
        AgentStream stream = new AgentStream(call, new Outbox(call, limits.outboxLimit()),
                UUID.randomUUID().toString(), new Credential(identity.get(), notAfter), opener, progress, limits);
        stream.start();
        vertx.setTimer(Math.max(1, limits.helloTimeout().toMillis()), timer -> stream.endUnlessHelloArrived());
        return stream;
    }

    /** Exchanges a join token and a CSR for the machine's first certificate (see {@link Enrollment}). */
    @Override
    public void enroll(EnrollRequest request, StreamObserver<EnrollResponse> responses) {
        if (lifecycle.isStopping()) {
            responses.onError(AgentStream.SHUTTING_DOWN.asRuntimeException());
            return;
        }
        enrollment.enroll(request).subscribe().with(answer -> {
            responses.onNext(answer);
            responses.onCompleted();
        }, responses::onError);
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
