package dev.runcmd.control.pki;

import dev.runcmd.proto.pki.CertificateAuthority;
import dev.runcmd.proto.pki.Csr;
import dev.runcmd.proto.pki.ReloadingKeyManager;
import dev.runcmd.proto.pki.ServiceIdentity;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The control API's own client certificate ({@code runcmd://service/control-api}), which the gateways' internal
 * listeners require. It lives only in memory: a fresh key pair and certificate at start, and again, with a new key
 * pair, once two thirds of the current one's life has passed. Connections already open keep the certificate they
 * were made with; new handshakes use the newest ({@link ReloadingKeyManager}).
 *
 * <p>Thread-safe: {@link #renewIfDue} may run on any thread.
 */
final class ServiceCertificate {

    /** How long each certificate is valid; it is replaced after two thirds of it. */
    static final Duration LIFETIME = Duration.ofDays(7);

    private final CertificateAuthority authority;
    private final ReloadingKeyManager keyManager = new ReloadingKeyManager();
    private Instant renewAt; // guarded by this

    /** Issues the first certificate at once. */
    ServiceCertificate(CertificateAuthority authority) {
        this.authority = authority;
        issue();
    }

    /** The key manager offering the current certificate. */
    ReloadingKeyManager keyManager() {
        return keyManager;
    }

    /** Issues a new certificate if two thirds of the current one's life have passed at {@code now}. */
    synchronized boolean renewIfDue(Instant now) {
        if (now.isBefore(renewAt)) {
            return false;
        }
        issue();
        return true;
    }

    private synchronized void issue() {
        KeyPair keys = Csr.newKeyPair();
        X509Certificate certificate = authority.issueService(keys.getPublic(), ServiceIdentity.CONTROL_API, List.of(),
                LIFETIME);
        keyManager.update(keys.getPrivate(), List.of(certificate, authority.certificate()));
        Instant from = certificate.getNotBefore().toInstant();
        Duration life = Duration.between(from, certificate.getNotAfter().toInstant());
        renewAt = from.plus(life.multipliedBy(2).dividedBy(3));
    }
}
