package dev.runcmd.gateway.pki;

import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.grpc.VertxServerBuilder;
import jakarta.inject.Singleton;

/**
 * TLS on the agent port (Quarkus's gRPC server): this gateway's server certificate and the runcmd CA as the only
 * trust for client certificates. TLS 1.3 only and client certificates requested (not required: Enroll is the one
 * call a machine without a certificate makes) come from application.properties
 * ({@code quarkus.grpc.server.plain-text=false}, {@code ssl.protocols}, {@code ssl.client-auth}); every other call
 * requires one (see {@link PeerCertificates}).
 */
@Singleton
public class AgentPortTls implements ServerBuilderCustomizer<VertxServerBuilder> {

    private final GatewayTls tls;

    AgentPortTls(GatewayTls tls) {
        this.tls = tls;
    }

    @Override
    public void customize(GrpcServerConfiguration config, VertxServerBuilder builder) {
        builder.useSsl(options -> options
                .setSsl(true)
                .setKeyCertOptions(KeyCertOptions.wrap(tls.serverKeys()))
                .setTrustOptions(TrustOptions.wrap(tls.trust())));
    }
}
