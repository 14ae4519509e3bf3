package dev.runcmd.agent;

import dev.runcmd.agent.identity.Identity;
import dev.runcmd.agent.identity.IdentityStore;
import dev.runcmd.proto.agent.v1.MachineScope;
import dev.runcmd.proto.pki.CaTrustManager;
import dev.runcmd.proto.pki.CertificateAuthority;
import dev.runcmd.proto.pki.Csr;
import dev.runcmd.proto.pki.JoinToken;
import dev.runcmd.proto.pki.MachineIdentity;
import dev.runcmd.proto.pki.ServiceIdentity;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A runcmd CA for tests, the machine identities it issues, and TLS 1.3 gateway servers it certifies, which ask for
 * a client certificate without requiring one, as the real gateway's agent port does (Enroll comes without one).
 */
final class TestPki {
    /** The subscription of the tests' machines. */
    static final String SUBSCRIPTION = "sub-1";
    /** The resource group of the tests' machines. */
    static final String RESOURCE_GROUP = "rg-1";
    /** The names a test gateway's certificate carries unless told otherwise. */
    static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1");

    final CertificateAuthority ca = CertificateAuthority.create("runcmd test CA", Duration.ofDays(1));

    /** The scope of machine {@code name} in the tests' subscription and resource group. */
    static MachineScope machine(String name) {
        return MachineScope.newBuilder().setSubscriptionId(SUBSCRIPTION).setResourceGroup(RESOURCE_GROUP)
                .setMachineName(name).build();
    }

    /** A fresh join token for this CA. */
    JoinToken token() {
        return JoinToken.generate(ca.publicKeyHash());
    }

    /** Issues machine {@code name} a certificate valid for {@code lifetime} from now and stores it in {@code dir}. */
    Identity storeIdentity(Path dir, String name, Duration lifetime) throws IOException {
        KeyPair keys = Csr.newKeyPair();
        MachineIdentity machine = new MachineIdentity(SUBSCRIPTION, RESOURCE_GROUP, name, UUID.randomUUID());
        X509Certificate certificate = ca.issueMachine(keys.getPublic(), machine, lifetime);
        Identity identity = new Identity(keys.getPrivate(), certificate, List.of(ca.certificate()), Instant.now());
        new IdentityStore(dir).save(identity);
        return identity;
    }

    /**
     * Server TLS as a gateway's agent port: TLS 1.3 only, a gateway certificate for {@code hostNames} sent with
     * the CA certificate (an enrolling agent finds the CA it pins in the chain), client certificates from this
     * CA asked for, not required.
     */
    SslContext serverTls(List<String> hostNames) throws IOException {
        KeyPair keys = Csr.newKeyPair();
        X509Certificate certificate = ca.issueService(keys.getPublic(), ServiceIdentity.GATEWAY, hostNames,
                Duration.ofHours(1));
        return GrpcSslContexts.configure(SslContextBuilder.forServer(keys.getPrivate(), certificate, ca.certificate()))
                .protocols("TLSv1.3")
                .clientAuth(ClientAuth.OPTIONAL)
                .trustManager(new CaTrustManager(List.of(ca.certificate())))
                .build();
    }

    /** Starts {@code service} on 127.0.0.1, a free port, over {@link #serverTls} for {@link #LOOPBACK}. */
    Server startGateway(BindableService service, PeerCertificates peers) throws IOException {
        return gateway(service, peers).build().start();
    }

    /**
     * Starts {@code service} like {@link #startGateway(BindableService, PeerCertificates)}, asking clients to
     * move to a new connection once one is {@code maxConnectionAge} old (streams open by then stay where they are).
     */
    Server startGateway(BindableService service, PeerCertificates peers, Duration maxConnectionAge) throws IOException {
        return gateway(service, peers).maxConnectionAge(maxConnectionAge.toMillis(), TimeUnit.MILLISECONDS).build()
                .start();
    }

    private NettyServerBuilder gateway(BindableService service, PeerCertificates peers) throws IOException {
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(serverTls(LOOPBACK))
                .addService(ServerInterceptors.intercept(service, peers));
    }
}
