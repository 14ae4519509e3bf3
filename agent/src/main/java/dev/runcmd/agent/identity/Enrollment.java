package dev.runcmd.agent.identity;

import com.google.protobuf.ByteString;
import dev.runcmd.agent.transport.Backoff;
import dev.runcmd.agent.transport.Session;
import dev.runcmd.proto.agent.v1.AgentServiceGrpc;
import dev.runcmd.proto.agent.v1.EnrollRequest;
import dev.runcmd.proto.agent.v1.EnrollResponse;
import dev.runcmd.proto.agent.v1.MachineScope;
import dev.runcmd.proto.pki.CsrWriter;
import dev.runcmd.proto.pki.JoinToken;
import dev.runcmd.proto.pki.KeyHash;
import dev.runcmd.proto.pki.Pem;
import dev.runcmd.proto.pki.PinnedCaTrustManager;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * The first contact with the control plane: a join token and a certificate signing request for a new key pair
 * (made here; the private key never leaves the machine) are exchanged for the machine's certificate and the CA
 * bundle, with {@code AgentService.Enroll}. The agent has no certificate yet and trusts no CA: the gateway is
 * trusted when its chain holds the CA whose public key hash the token carries ({@link PinnedCaTrustManager}), over
 * TLS 1.3, host name verified.
 *
 * <p>The gateways are tried in turn, as the session does. A refusal (the gateway's UNAUTHENTICATED,
 * PERMISSION_DENIED, INVALID_ARGUMENT, ... see {@link Session#isRefusal}) and a gateway that is not the control
 * plane the token was made for end the enrollment with an {@link IdentityException}; anything else (UNAVAILABLE,
 * a deadline) is retried with the session's {@link Backoff}, for as long as it takes.
 *
 * <p>Blocking; called once, at start-up, before anything else runs.
 */
public final class Enrollment {
    /** How long one Enroll call may take. */
    static final Duration DEADLINE = Duration.ofSeconds(30);

    private static final Logger LOG = Logger.getLogger(Enrollment.class.getName());

    private final List<String> gateways;
    private final int attempts; // 0: no limit
    private final Backoff backoff = new Backoff();

    /** An enrollment at {@code gateways} (HOST:PORT, tried in turn) that retries for as long as it takes. */
    public Enrollment(List<String> gateways) {
        this(gateways, 0);
    }

    /**
     * An enrollment at {@code gateways} that gives up after {@code attempts} calls that failed for a reason worth
     * retrying (0: never gives up), for an operator waiting at a terminal.
     */
    public Enrollment(List<String> gateways, int attempts) {
        if (gateways.isEmpty()) {
            throw new IllegalArgumentException("at least one gateway is needed");
        }
        this.gateways = List.copyOf(gateways);
        this.attempts = attempts;
    }

    /**
     * Enrolls {@code machine} with {@code token} and returns the new identity (not stored yet).
     *
     * @throws IdentityException when a gateway refused, or is not the token's control plane, or answered with a
     *     certificate the agent cannot use
     */
    public Identity enroll(JoinToken token, MachineScope machine) throws IdentityException, InterruptedException {
        KeyPair keys = CsrWriter.newKeyPair();
        EnrollRequest request = EnrollRequest.newBuilder()
                .setJoinToken(token.text())
                .setMachine(machine)
                .setCsr(ByteString.copyFrom(CsrWriter.create(keys, machine.getMachineName())))
                .build();
        SslContext context = pinnedContext(token);
        LOG.info(() -> "Enrolling machine " + describe(machine) + " with " + token + " at "
                + String.join(", ", gateways));
        for (int attempt = 0; ; attempt++) {
            String gateway = gateways.get(attempt % gateways.size());
            Attempt answer = call(gateway, context, request);
            EnrollResponse response = answer.response();
            if (response != null) {
                Identity identity = accepted(gateway, response, keys, token, machine);
                backoff.reset();
                LOG.info(() -> "Enrolled machine " + describe(machine) + " at gateway " + gateway
                        + "; certificate valid until " + identity.notAfter());
                return identity;
            }
            if (attempts > 0 && attempt + 1 >= attempts) {
                throw new IdentityException("no gateway answered the enrollment after " + attempts + " attempts;"
                        + " the last: gateway " + gateway + ": " + answer.failure());
            }
            Duration delay = backoff.next();
            LOG.info(() -> "Enrolling again in " + delay.toMillis() + " ms");
            Thread.sleep(delay.toMillis());
        }
    }

    /** One Enroll call's answer, or (response null) why it failed in a way worth retrying. */
    private record Attempt(EnrollResponse response, String failure) {}

    /** One Enroll call: the answer, or the failure worth retrying (logged). */
    private static Attempt call(String gateway, SslContext context, EnrollRequest request)
            throws IdentityException {
        ManagedChannel channel = NettyChannelBuilder.forTarget(gateway).sslContext(context).build();
        try {
            return new Attempt(AgentServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                    .enroll(request), null);
        } catch (StatusRuntimeException e) {
            Status status = e.getStatus();
            if (Session.isRefusal(status)) {
                throw new IdentityException("enrollment refused by gateway " + gateway + ": " + status.getCode()
                        + (status.getDescription() == null ? "" : ": " + status.getDescription()));
            }
            CertificateException untrusted = certificateFailure(e);
            if (untrusted != null) {
                throw new IdentityException("cannot enroll at gateway " + gateway + ": " + untrusted.getMessage());
            }
            LOG.info(() -> "Enrollment at gateway " + gateway + " failed (" + Session.describe(status) + ")");
            return new Attempt(null, Session.describe(status));
        } finally {
            channel.shutdownNow();
        }
    }

    /** What the gateway answered, checked: a certificate for this key and machine, chaining to the token's CA. */
    private static Identity accepted(String gateway, EnrollResponse response, KeyPair keys, JoinToken token,
            MachineScope machine) throws IdentityException {
        try {
            X509Certificate certificate = Pem.parseCertificates(response.getCertificatePem()).get(0);
            List<X509Certificate> authorities = Pem.parseCertificates(response.getCaBundlePem());
            if (authorities.stream().noneMatch(ca -> KeyHash.of(ca).equals(token.caHash()))) {
                throw new IllegalArgumentException("the CA bundle lacks the CA the join token names");
            }
            Identity identity = new Identity(keys.getPrivate(), certificate, authorities, Instant.now());
            identity.verify(keys.getPublic());
            if (!identity.names(machine)) {
                throw new IllegalArgumentException("the certificate names machine " + identity.machine().describe());
            }
            return identity;
        } catch (IllegalArgumentException e) {
            throw new IdentityException("gateway " + gateway + " answered the enrollment with a certificate this agent"
                    + " cannot use: " + e.getMessage());
        }
    }

    /**
     * The certificate problem that made the TLS handshake fail (the gateway's chain lacks the token's CA, or does
     * not name the address dialled), or null when the call failed otherwise.
     */
    private static CertificateException certificateFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException certificate) {
                return certificate;
            }
        }
        return null;
    }

    private static SslContext pinnedContext(JoinToken token) {
        try {
            return ClientTls.context(null, new PinnedCaTrustManager(token.caHash()));
        } catch (SSLException e) {
            throw new IllegalStateException("TLS 1.3 is not available: " + e.getMessage(), e);
        }
    }

    static String describe(MachineScope machine) {
        return machine.getSubscriptionId() + "/" + machine.getResourceGroup() + "/" + machine.getMachineName();
    }
}
