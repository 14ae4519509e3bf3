package dev.runcmd.agent.identity;

import com.google.protobuf.ByteString;
import dev.runcmd.agent.transport.Backoff;
import dev.runcmd.agent.transport.CertificateRenewal;
import dev.runcmd.agent.transport.Outbox;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.Renew;
import dev.runcmd.proto.agent.v1.Renewed;
import dev.runcmd.proto.pki.CsrWriter;
import dev.runcmd.proto.pki.Pem;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;

/**
 * Renews the machine certificate over the session's stream, before it ends, with a new key pair each time.
 *
 * <p>One request at a time. When renewal is due ({@link Identity#renewAt()}: two thirds into the certificate's
 * time) a key pair and its CSR are made and sent as {@code Renew}. The same request is sent again, after a
 * {@link Backoff} delay ({@link #RETRY_INITIAL} doubling up to {@link #RETRY_CAP}), when the stream ended before
 * the answer, when no answer came within {@link #ANSWER_TIMEOUT}, or when the answer was a refusal or unusable.
 * A certificate is used only if it chains to the CA bundle that came with it, names this machine and enrollment,
 * and certifies the new key: then the identity is stored ({@link IdentityStore#save}) and {@link ClientTls#use}d,
 * so new connections present the new certificate; the open stream is left as it is.
 *
 * <p>Threading: see {@link CertificateRenewal}; the state below is guarded by this object's monitor, and files are
 * written outside it.
 */
public final class Renewer implements CertificateRenewal {
    /** How long an answer to {@code Renew} may take before the request is made again. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    /** The first delay before a failed renewal is tried again. */
    static final Duration RETRY_INITIAL = Duration.ofSeconds(5);
    /** The longest delay before a failed renewal is tried again. */
    static final Duration RETRY_CAP = Duration.ofMinutes(5);

    private static final Logger LOG = Logger.getLogger(Renewer.class.getName());

    private final IdentityStore store;
    private final ClientTls tls;
    private final Backoff retry = new Backoff(RETRY_INITIAL, RETRY_CAP); // guarded by this
    private Identity identity; // guarded by this
    private Request pending; // guarded by this; the renewal under way, null when none is
    private Instant sentAt; // guarded by this; when pending was queued, null while it is not in flight
    private Instant notBefore = Instant.MIN; // guarded by this; no request before then (after a failure)

    /** A renewal's new key pair and its CSR (DER). */
    private record Request(KeyPair keys, byte[] csr) {}

    /** Renews {@code identity}, stored in {@code store}, presented through {@code tls}. */
    public Renewer(IdentityStore store, ClientTls tls, Identity identity) {
        this.store = store;
        this.tls = tls;
        this.identity = identity;
    }

    /** The identity in use now. */
    public synchronized Identity identity() {
        return identity;
    }

    @Override
    public synchronized void tick(Outbox outbox) {
        Instant now = Instant.now();
        if (now.isBefore(identity.renewAt()) || now.isBefore(notBefore)) {
            return;
        }
        if (sentAt != null) {
            if (now.isAfter(sentAt.plus(ANSWER_TIMEOUT))) {
                LOG.warning(() -> "No answer to the certificate renewal within " + ANSWER_TIMEOUT.toSeconds()
                        + " s; asking again later");
                retryLater(now);
            }
            return;
        }
        if (pending == null) {
            KeyPair keys = CsrWriter.newKeyPair();
            pending = new Request(keys, CsrWriter.create(keys, identity.machine().machineName()));
        }
        Renew renew = Renew.newBuilder().setCsr(ByteString.copyFrom(pending.csr())).build();
        if (outbox.offer(AgentMessage.newBuilder().setRenew(renew).build())) {
            sentAt = now;
            Instant until = identity.notAfter();
            LOG.info(() -> "Renewing the machine certificate (valid until " + until + ")");
        }
    }

    @Override
    public void onRenewed(Renewed renewed) {
        Request request;
        Identity current;
        synchronized (this) {
            request = pending;
            current = identity;
        }
        if (request == null) {
            LOG.fine("Ignoring a Renewed that answers no renewal under way");
            return;
        }
        if (!renewed.getRefused().isEmpty()) {
            LOG.warning(() -> "The gateway refused to renew the machine certificate: " + renewed.getRefused());
            failed();
            return;
        }
        Identity next;
        try {
            next = checked(renewed, request, current);
        } catch (IllegalArgumentException e) {
            LOG.warning(() -> "Ignoring the renewed machine certificate: " + e.getMessage());
            failed();
            return;
        }
        try {
            store.save(next);
        } catch (IOException e) {
            LOG.severe(() -> "Cannot store the renewed machine certificate in " + store.dir() + " (" + e
                    + "); the current one stays in use");
            failed();
            return;
        }
        tls.use(next);
        synchronized (this) {
            identity = next;
            pending = null;
            sentAt = null;
            notBefore = Instant.MIN;
            retry.reset();
        }
        LOG.info(() -> "Machine certificate renewed; valid until " + next.notAfter());
    }

    /**
     * {@inheritDoc} Once the certificate has expired, says so (SEVERE) each time: gateways refuse it, and only a
     * new join token helps.
     */
    @Override
    public synchronized void onStreamEnded() {
        Instant now = Instant.now();
        if (sentAt != null) {
            retryLater(now);
        }
        if (identity.isExpired(now)) {
            Instant expired = identity.notAfter();
            LOG.severe(() -> "The machine certificate expired at " + expired + "; gateways refuse it: enroll again"
                    + " with a new join token (remove " + store.dir() + " and start with RUNCMD_JOIN_TOKEN)");
        }
    }

    /** The new identity in {@code renewed}, checked against the request and the current identity. */
    private static Identity checked(Renewed renewed, Request request, Identity current) {
        X509Certificate certificate = Pem.parseCertificates(renewed.getCertificatePem()).get(0);
        List<X509Certificate> authorities = Pem.parseCertificates(renewed.getCaBundlePem());
        Identity next = new Identity(request.keys().getPrivate(), certificate, authorities, Instant.now());
        next.verify(request.keys().getPublic());
        if (!next.machine().equals(current.machine())) {
            throw new IllegalArgumentException("it names " + next.machine().describe() + " (enrollment "
                    + next.machine().enrollment() + "), not this machine's enrollment "
                    + current.machine().enrollment());
        }
        return next;
    }

    private synchronized void failed() {
        retryLater(Instant.now());
    }

    /** The request is no longer in flight; it is made again after a backoff delay. Under this object's monitor. */
    private void retryLater(Instant now) {
        sentAt = null;
        notBefore = now.plus(retry.next());
    }
}
