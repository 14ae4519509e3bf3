package dev.runcmd.gateway.internal;

import dev.runcmd.gateway.config.GatewayConfig;
import dev.runcmd.gateway.pki.GatewayTls;
import dev.runcmd.gateway.pki.PeerCertificates;
import dev.runcmd.proto.pki.ServiceIdentity;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.grpc.VertxServer;
import io.vertx.grpc.VertxServerBuilder;
import jakarta.inject.Singleton;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The internal listener: GatewayInternal (Dispatch, Cancel) on its own port, never on the agent port. TLS 1.3 with a
 * client certificate from the runcmd CA required, and only a certificate naming the control API
 * ({@code runcmd://service/control-api}) may call; an agent's machine certificate gets PERMISSION_DENIED.
 */
@Singleton
public class InternalListener {

    private static final Logger LOG = Logger.getLogger(InternalListener.class);

    private final GatewayInternalService service;
    private final GatewayTls tls;
    private final GatewayConfig config;
    private volatile VertxServer server;

    InternalListener(GatewayInternalService service, GatewayTls tls, GatewayConfig config) {
        this.service = service;
        this.tls = tls;
        this.config = config;
    }

    /** Binds the listener (blocking; call at startup) and returns the port it bound. */
    public int start(Vertx vertx) {
        VertxServer started = VertxServerBuilder.forAddress(vertx, config.internalHost(), config.internalPort())
                .addService(ServerInterceptors.intercept(service.bindable(), new ControlApiOnly()))
                .useSsl(options -> options
                        .setSsl(true)
                        .setUseAlpn(true)
                        .setEnabledSecureTransportProtocols(Set.of("TLSv1.3"))
                        .setClientAuth(ClientAuth.REQUIRED)
                        .setKeyCertOptions(KeyCertOptions.wrap(tls.serverKeys()))
                        .setTrustOptions(TrustOptions.wrap(tls.trust())))
                .build();
        CompletableFuture<Void> bound = new CompletableFuture<>();
        started.start(result -> {
            if (result.succeeded()) {
                bound.complete(null);
            } else {
                bound.completeExceptionally(result.cause());
            }
        });
        try {
            bound.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException unbound) {
            throw new IllegalStateException("cannot bind the internal listener on " + config.internalHost() + ":"
                    + config.internalPort(), unbound instanceof ExecutionException ? unbound.getCause() : unbound);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding the internal listener", interrupted);
        }
        server = started;
        LOG.infof("Internal listener (GatewayInternal, mTLS) on port %d", started.getPort());
        return started.getPort();
    }

    /** The port the listener bound (0 before {@link #start}). */
    public int port() {
        VertxServer running = server;
        return running == null ? 0 : running.getPort();
    }

    /** Stops the listener, letting calls in flight finish for a moment. */
    public void stop() {
        VertxServer running = server;
        if (running == null) {
            return;
        }
        running.shutdown();
        try {
            running.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Admits calls whose client certificate names the control API. */
    private static final class ControlApiOnly implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            X509Certificate peer = PeerCertificates.peerOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
            Optional<String> service = peer == null ? Optional.empty() : ServiceIdentity.of(peer);
            if (service.filter(ServiceIdentity.CONTROL_API::equals).isEmpty()) {
                call.close(Status.PERMISSION_DENIED.withDescription(
                        "the internal API admits the control API's certificate only"), new Metadata());
                return new ServerCall.Listener<>() { };
            }
            return next.startCall(call, headers);
        }
    }
}
