package dev.runcmd.gateway.pki;

import dev.runcmd.gateway.config.GatewayConfig;
import dev.runcmd.proto.pki.CaTrustManager;
import dev.runcmd.proto.pki.CertificateAuthority;
import dev.runcmd.proto.pki.Csr;
import dev.runcmd.proto.pki.MachineIdentity;
import dev.runcmd.proto.pki.Pem;
import dev.runcmd.proto.pki.ReloadingKeyManager;
import dev.runcmd.proto.pki.ServiceIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * This gateway's TLS material: the CA (loaded at startup, see {@link AuthorityStore}), the server certificate it
 * issues itself for both of its listeners, and the trust in client certificates (only the runcmd CA's). Until the CA
 * is loaded every handshake fails, so agents retry; nothing is served in plaintext.
 */
@Singleton
public class GatewayTls {

    private static final Logger LOG = Logger.getLogger(GatewayTls.class);

    private final AuthorityStore store;
    private final GatewayConfig config;
    private final ReloadingKeyManager serverKeys = new ReloadingKeyManager();
    private final CaTrustManager trust = new CaTrustManager(List.of());
    private volatile CertificateAuthority authority;
    private volatile Instant renewServerAt = Instant.MAX;

    GatewayTls(AuthorityStore store, GatewayConfig config) {
        this.store = store;
        this.config = config;
    }

    /** The key manager both listeners present (the server certificate). */
    public ReloadingKeyManager serverKeys() {
        return serverKeys;
    }

    /** The trust both listeners check client certificates with. */
    public CaTrustManager trust() {
        return trust;
    }

    /** Whether the CA is loaded and the server certificate issued. */
    public boolean isReady() {
        return authority != null;
    }

    /**
     * Loads the CA and issues the server certificate for {@code advertisedHost} among the other names. Fails while
     * the store is unusable (the caller retries).
     */
    public Uni<Void> load(String advertisedHost) {
        return store.load().invoke(loaded -> {
            authority = loaded;
            List<X509Certificate> bundle = new ArrayList<>();
            bundle.add(loaded.certificate());
            bundle.addAll(store.extraTrust());
            trust.update(bundle);
            issueServerCertificate(advertisedHost);
        }).replaceWithVoid();
    }

    /** Issues a new server certificate once two thirds of the current one's life passed. */
    public void renewServerCertificateIfDue(String advertisedHost) {
        if (authority != null && Instant.now().isAfter(renewServerAt)) {
            issueServerCertificate(advertisedHost);
        }
    }

    private void issueServerCertificate(String advertisedHost) {
        KeyPair keys = Csr.newKeyPair();
        Duration lifetime = config.serverCertificateLifetime();
        List<String> names = serverNames(advertisedHost);
        X509Certificate certificate = authority.issueService(keys.getPublic(), ServiceIdentity.GATEWAY, names,
                lifetime);
        serverKeys.update(keys.getPrivate(), List.of(certificate, authority.certificate()));
        renewServerAt = Instant.now().plus(lifetime.multipliedBy(2).dividedBy(3));
        LOG.infof("Server certificate issued for %s, valid until %s", names, certificate.getNotAfter().toInstant());
    }

    private List<String> serverNames(String advertisedHost) {
        if (config.tlsNames().isPresent()) {
            return config.tlsNames().get();
        }
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (UnknownHostException unnamed) {
            // the other names still apply
        }
        if (!advertisedHost.isBlank()) {
            names.add(advertisedHost);
        }
        return List.copyOf(names);
    }

    /** A machine certificate for a key a CSR proved, valid for runcmd.gateway.agent-certificate-lifetime. */
    public X509Certificate issueMachine(PublicKey key, MachineIdentity identity) {
        CertificateAuthority current = authority;
        if (current == null) {
            throw new IllegalStateException("the runcmd CA is not loaded yet");
        }
        return current.issueMachine(key, identity, config.agentCertificateLifetime());
    }

    /** The CA certificates agents trust from now on, as PEM. */
    public String bundlePem() {
        return Pem.certificates(trust.authorities());
    }
}
