package dev.runcmd.agent.identity;

import dev.runcmd.proto.pki.CaTrustManager;
import dev.runcmd.proto.pki.ReloadingKeyManager;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSsl;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;

/**
 * The agent's side of TLS to its gateways: TLS 1.3 only, the machine's key and certificate as the client
 * certificate, and trust in exactly the runcmd CA bundle, with host name verification (grpc sets the HTTPS
 * endpoint identification on every connection). One {@link SslContext} serves every gateway channel; after a
 * renewal {@link #use} swaps the key, certificate and CA bundle in place, so each new connection presents the new
 * certificate while open connections keep theirs.
 *
 * <p>The records are sealed by the BoringSSL that grpc bundles for Linux, macOS and Windows when it loads (AES-GCM
 * with the processor's instructions); the JDK's own TLS is the fallback. The agent runs its JVM with the C1
 * compiler only, to stay small, and C1 has no AES or GHASH intrinsics: with the JDK's TLS the agent spent about
 * 30 CPU seconds sealing 1 GiB of output, and could send no faster than about 30 MB/s. Either way the same
 * key and trust managers below are consulted on every handshake: the runcmd CA only, and the gateway's name
 * checked against its certificate (by the trust manager, and by BoringSSL itself for the engine's peer host).
 * {@code -Druncmd.agent.tls=jdk} forces the JDK's TLS.
 *
 * <p>Threading: {@link #use} may be called from any thread, concurrently with handshakes.
 */
public final class ClientTls {
    /** The only TLS version spoken. */
    static final String TLS_1_3 = "TLSv1.3";
    /** {@code jdk} forces the JDK's TLS instead of the bundled BoringSSL. */
    static final String PROVIDER_PROPERTY = "runcmd.agent.tls";

    private final ReloadingKeyManager keys = new ReloadingKeyManager();
    private final CaTrustManager trust;
    private final SslContext context;

    /** TLS as {@code identity}. */
    public ClientTls(Identity identity) throws SSLException {
        keys.update(identity.key(), List.of(identity.certificate()));
        trust = new CaTrustManager(identity.authorities());
        context = context(keys, trust);
    }

    /** The context every gateway channel uses. */
    public SslContext context() {
        return context;
    }

    /**
     * From now on, new connections present {@code identity}'s certificate and trust its CA bundle. Cached TLS
     * sessions are forgotten, so that no new connection resumes one authenticated with the old certificate.
     */
    public void use(Identity identity) {
        trust.update(identity.authorities());
        keys.update(identity.key(), List.of(identity.certificate()));
        SSLSessionContext sessions = context.sessionContext();
        for (byte[] id : Collections.list(sessions.getIds())) {
            SSLSession session = sessions.getSession(id);
            if (session != null) {
                session.invalidate();
            }
        }
    }

    /**
     * A client context speaking TLS 1.3 only, trusting {@code trust}, presenting {@code keys}' certificate when the
     * server asks for one (none when {@code keys} is null: an enrolling agent has no certificate yet).
     */
    static SslContext context(KeyManager keys, TrustManager trust) throws SSLException {
        SslContextBuilder builder = GrpcSslContexts.configure(SslContextBuilder.forClient(), provider())
                .protocols(TLS_1_3)
                .trustManager(trust);
        if (keys != null) {
            builder.keyManager(keys);
        }
        return builder.build();
    }

    /** BoringSSL when it loaded and is not turned off, else the JDK's TLS. */
    static SslProvider provider() {
        boolean jdkAsked = "jdk".equalsIgnoreCase(System.getProperty(PROVIDER_PROPERTY, "").trim());
        return !jdkAsked && OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }
}
