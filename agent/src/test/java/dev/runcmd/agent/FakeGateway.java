package dev.runcmd.agent;

import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.AgentServiceGrpc;
import dev.runcmd.proto.agent.v1.EnrollRequest;
import dev.runcmd.proto.agent.v1.EnrollResponse;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import dev.runcmd.proto.agent.v1.MachineScope;
import dev.runcmd.proto.agent.v1.Renew;
import dev.runcmd.proto.agent.v1.Renewed;
import dev.runcmd.proto.agent.v1.Welcome;
import dev.runcmd.proto.pki.CertificateAuthority;
import dev.runcmd.proto.pki.Csr;
import dev.runcmd.proto.pki.MachineIdentity;
import dev.runcmd.proto.pki.Pem;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * A gateway for tests: answers each Hello with Welcome, records every agent message with the time
 * it arrived and the stream (1, 2, ...) it came on, and lets the test send commands, break the
 * stream, take over inbound flow control (request messages one by one), or acknowledge what it
 * received, as the real gateway does after storing it ({@link AckLedger}). Told to issue certificates
 * ({@link #issueFrom}), it enrolls machines and answers Renew with a certificate for the machine its caller's
 * client certificate names ({@link PeerCertificates}).
 */
final class FakeGateway extends AgentServiceGrpc.AgentServiceImplBase {
    /** One message as the gateway received it. */
    record Received(AgentMessage message, long nanos, int stream) {}

    private final List<Received> received = new ArrayList<>(); // guarded by this
    private ServerCallStreamObserver<GatewayMessage> current; // guarded by this
    private int streams; // guarded by this
    private volatile boolean manualFlow;
    private volatile int heartbeatSeconds = 30;
    private volatile AckLedger acks;
    private volatile boolean acksPaused;
    private volatile BiPredicate<Integer, AgentMessage> breaker = (stream, message) -> false;
    private final List<EnrollRequest> enrollments = new ArrayList<>(); // guarded by this
    private volatile CertificateAuthority issuer;
    private volatile Duration lifetime;
    private volatile Status enrollRefusal;
    private volatile String renewalRefusal;
    private volatile Status connectRefusal;

    /** From now on Enroll and Renew are answered with certificates from {@code ca}, valid for {@code lifetime}. */
    void issueFrom(CertificateAuthority ca, Duration lifetime) {
        this.issuer = ca;
        this.lifetime = lifetime;
    }

    /** From now on every Enroll fails with {@code status}. */
    void refuseEnrollments(Status status) {
        enrollRefusal = status;
    }

    /** The next Renew is answered Renewed{refused = reason}. */
    void refuseNextRenewal(String reason) {
        renewalRefusal = reason;
    }

    /** From now on every Connect ends at once with {@code status}, as for a revoked machine. */
    void refuseConnections(Status status) {
        connectRefusal = status;
    }

    /** Every Enroll request so far. */
    synchronized List<EnrollRequest> enrollments() {
        return List.copyOf(enrollments);
    }

    @Override
    public void enroll(EnrollRequest request, StreamObserver<EnrollResponse> responses) {
        synchronized (this) {
            enrollments.add(request);
        }
        if (enrollRefusal != null) {
            responses.onError(enrollRefusal.asRuntimeException());
            return;
        }
        MachineScope machine = request.getMachine();
        X509Certificate certificate = issuer.issueMachine(Csr.verifiedKey(request.getCsr().toByteArray()),
                new MachineIdentity(machine.getSubscriptionId(), machine.getResourceGroup(), machine.getMachineName(),
                        UUID.randomUUID()), lifetime);
        responses.onNext(EnrollResponse.newBuilder()
                .setCertificatePem(Pem.certificate(certificate))
                .setCaBundlePem(Pem.certificate(issuer.certificate()))
                .setNotAfterMillis(certificate.getNotAfter().getTime())
                .build());
        responses.onCompleted();
    }

    /**
     * From now on, the first message of each stream (numbered from 1) that matches {@code when} is
     * dropped unrecorded and unacknowledged, and that stream fails with UNAVAILABLE: a gateway that
     * goes away with the message still in its transport buffers.
     */
    void breakStreamWhen(BiPredicate<Integer, AgentMessage> when) {
        breaker = when;
    }

    /** From now on, every Started, Output and Exited is answered with an Ack of what was received. */
    void acknowledgeWhatArrives() {
        acks = new AckLedger();
    }

    /** From now on, what arrives is recorded in the ledger but not acknowledged, until {@link #resumeAcks()}. */
    void pauseAcks() {
        acksPaused = true;
    }

    /** Acknowledges everything recorded so far on the current stream, and what arrives from now on. */
    void resumeAcks() {
        acksPaused = false;
        AckLedger ledger = acks;
        if (ledger != null) {
            ledger.acksForAll().forEach(this::send);
        }
    }

    /** What this gateway has stored, or null when it does not acknowledge. */
    AckLedger ledger() {
        return acks;
    }

    /** From the next stream on, the gateway requests agent messages only when told to. */
    void useManualFlowControl() {
        manualFlow = true;
    }

    /** The heartbeat interval the next Welcome announces. */
    void announceHeartbeatEvery(int seconds) {
        heartbeatSeconds = seconds;
    }

    @Override
    public StreamObserver<AgentMessage> connect(StreamObserver<GatewayMessage> responses) {
        ServerCallStreamObserver<GatewayMessage> call = (ServerCallStreamObserver<GatewayMessage>) responses;
        X509Certificate client = PeerCertificates.CLIENT.get();
        if (connectRefusal != null) {
            responses.onError(connectRefusal.asRuntimeException());
            return new StreamObserver<>() {
                @Override
                public void onNext(AgentMessage message) {}

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
            };
        }
        int index;
        synchronized (this) {
            index = ++streams;
            current = call;
        }
        if (manualFlow) {
            call.disableAutoRequest();
            call.request(1);
        }
        return new StreamObserver<>() {
            private boolean broken; // only touched by this stream's (serialized) inbound callbacks

            @Override
            public void onNext(AgentMessage message) {
                if (broken || breaker.test(index, message)) {
                    broken = true;
                    fail(call);
                    return;
                }
                record(message, index);
                if (message.hasHello()) {
                    welcome(call, index);
                }
                if (message.hasRenew()) {
                    sendOn(call, GatewayMessage.newBuilder().setRenewed(renew(client, message.getRenew())).build());
                }
                AckLedger ledger = acks;
                if (ledger != null) {
                    ledger.ack(message).filter(ack -> !acksPaused).ifPresent(ack -> sendOn(call, ack));
                }
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                synchronized (FakeGateway.this) {
                    call.onCompleted();
                }
            }
        };
    }

    /** A certificate for the machine {@code client} names, or the reason there is none. */
    private Renewed renew(X509Certificate client, Renew renew) {
        String refusal = renewalRefusal;
        renewalRefusal = null;
        if (refusal != null || issuer == null || client == null) {
            return Renewed.newBuilder().setRefused(refusal != null ? refusal : "no certificate to renew").build();
        }
        X509Certificate certificate = issuer.issueMachine(Csr.verifiedKey(renew.getCsr().toByteArray()),
                MachineIdentity.of(client).orElseThrow(), lifetime);
        return Renewed.newBuilder()
                .setCertificatePem(Pem.certificate(certificate))
                .setCaBundlePem(Pem.certificate(issuer.certificate()))
                .setNotAfterMillis(certificate.getNotAfter().getTime())
                .build();
    }

    private synchronized void welcome(ServerCallStreamObserver<GatewayMessage> call, int index) {
        Welcome welcome = Welcome.newBuilder()
                .setSessionId("session-" + index)
                .setGatewayId("fake-gateway")
                .setHeartbeatIntervalSeconds(heartbeatSeconds)
                .build();
        call.onNext(GatewayMessage.newBuilder().setWelcome(welcome).build());
    }

    private synchronized void record(AgentMessage message, int index) {
        received.add(new Received(message, System.nanoTime(), index));
        notifyAll();
    }

    private synchronized void sendOn(ServerCallStreamObserver<GatewayMessage> call, GatewayMessage message) {
        try {
            call.onNext(message);
        } catch (IllegalStateException e) {
            // The test broke this stream (failStream) after the message arrived: the Ack is lost.
        }
    }

    /** Sends {@code message} on the current stream. */
    synchronized void send(GatewayMessage message) {
        current.onNext(message);
    }

    /** Ends the current stream with UNAVAILABLE, as a gateway that goes away would. */
    synchronized void failStream() {
        fail(current);
    }

    private synchronized void fail(ServerCallStreamObserver<GatewayMessage> call) {
        try {
            call.onError(Status.UNAVAILABLE.withDescription("gateway going away").asRuntimeException());
        } catch (IllegalStateException e) {
            // Already failed.
        }
    }

    /** Asks the agent for {@code n} more messages on the current stream (manual flow control). */
    synchronized void request(int n) {
        current.request(n);
    }

    /** Waits until a message matching {@code match} arrived; fails the test after {@code timeout}. */
    Received await(Predicate<AgentMessage> match, Duration timeout) throws InterruptedException {
        return awaitReceived(r -> match.test(r.message()), timeout);
    }

    /** Like {@link #await}, but matching also on arrival time and stream. */
    synchronized Received awaitReceived(Predicate<Received> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Received r : received) {
                if (match.test(r)) {
                    return r;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching agent message within " + timeout + "; received " + kinds());
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Waits for the Exited of {@code executionId}. */
    AgentMessage awaitExited(String executionId, Duration timeout) throws InterruptedException {
        return await(m -> m.hasExited() && m.getExited().getExecutionId().equals(executionId), timeout).message();
    }

    /** Every message received so far, in arrival order. */
    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    /** The messages about {@code executionId}, in arrival order. */
    synchronized List<AgentMessage> messagesOf(String executionId) {
        return received.stream().map(Received::message)
                .filter(m -> executionId.equals(Messages.executionId(m)))
                .toList();
    }

    private List<String> kinds() {
        return received.stream().map(r -> r.message().getKindCase() + "@" + r.stream()).toList();
    }
}
