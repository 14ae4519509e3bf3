package dev.runcmd.control;

import dev.runcmd.control.pki.CaProvider;
import dev.runcmd.proto.gateway.v1.CancelRequest;
import dev.runcmd.proto.gateway.v1.CancelResponse;
import dev.runcmd.proto.gateway.v1.DispatchManyRequest;
import dev.runcmd.proto.gateway.v1.DispatchManyResponse;
import dev.runcmd.proto.gateway.v1.DispatchRequest;
import dev.runcmd.proto.gateway.v1.DispatchResponse;
import dev.runcmd.proto.gateway.v1.GatewayInternalGrpc;
import dev.runcmd.proto.pki.CaTrustManager;
import dev.runcmd.proto.pki.CertificateAuthority;
import dev.runcmd.proto.pki.Csr;
import dev.runcmd.proto.pki.ServiceIdentity;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.quarkus.arc.Arc;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A gateway's internal gRPC API on a free local port, as the gateway serves it: TLS 1.3 with a server certificate
 * for localhost, a client certificate from the runcmd CA required, and only the control API's service identity
 * admitted. It records every Dispatch, DispatchMany and Cancel it receives, and who sent it, and answers them
 * successfully, so tests can see what the control API sends after a commit.
 */
final class FakeGateway implements AutoCloseable {

    final BlockingQueue<DispatchRequest> dispatches = new LinkedBlockingQueue<>();
    final BlockingQueue<DispatchManyRequest> dispatchManies = new LinkedBlockingQueue<>();
    final BlockingQueue<CancelRequest> cancels = new LinkedBlockingQueue<>();
    /** The service named by each admitted caller's certificate, in call order. */
    final BlockingQueue<String> callers = new LinkedBlockingQueue<>();
    private final Server server;

    /**
     * A gateway whose server certificate {@code serverIssuer} issued, trusting client certificates of
     * {@code clientIssuer}.
     */
    FakeGateway(CertificateAuthority serverIssuer, X509Certificate clientIssuer) throws IOException {
        KeyPair keys = Csr.newKeyPair();
        X509Certificate certificate = serverIssuer.issueService(keys.getPublic(), ServiceIdentity.GATEWAY,
                List.of("localhost", "127.0.0.1"), Duration.ofHours(1));
        SslContext tls = GrpcSslContexts.configure(SslContextBuilder.forServer(keys.getPrivate(), certificate,
                        serverIssuer.certificate()))
                .trustManager(new CaTrustManager(List.of(clientIssuer)))
                .clientAuth(ClientAuth.REQUIRE)
                .protocols("TLSv1.3")
                .build();
        server = NettyServerBuilder.forPort(0).sslContext(tls)
                .addService(ServerInterceptors.intercept(new Recorder(), this::admitControlApiOnly))
                .build().start();
    }

    /** A gateway whose certificate the control API's own CA issued (read from the test database through pki). */
    static FakeGateway ofControlApiCa() throws IOException {
        CertificateAuthority ca = controlApiCa();
        return new FakeGateway(ca, ca.certificate());
    }

    /** The runcmd CA the running control API loaded or created. */
    static CertificateAuthority controlApiCa() {
        return Arc.container().instance(CaProvider.class).get().ca().await().atMost(Duration.ofSeconds(30))
                .authority();
    }

    /** The address to register in the gateway table. */
    String address() {
        return "localhost:" + server.getPort();
    }

    /** The next Dispatch received, or null after five seconds. */
    DispatchRequest nextDispatch() throws InterruptedException {
        return dispatches.poll(5, TimeUnit.SECONDS);
    }

    /** The next DispatchMany received, or null after five seconds. */
    DispatchManyRequest nextDispatchMany() throws InterruptedException {
        return dispatchManies.poll(5, TimeUnit.SECONDS);
    }

    /** The next Cancel received, or null after five seconds. */
    CancelRequest nextCancel() throws InterruptedException {
        return cancels.poll(5, TimeUnit.SECONDS);
    }

    /** Forgets what was received. */
    void clear() {
        dispatches.clear();
        dispatchManies.clear();
        cancels.clear();
        callers.clear();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Recorder extends GatewayInternalGrpc.GatewayInternalImplBase {

        @Override
        public void dispatch(DispatchRequest request, StreamObserver<DispatchResponse> response) {
            dispatches.add(request);
            response.onNext(DispatchResponse.newBuilder().setDelivered(1).build());
            response.onCompleted();
        }

        @Override
        public void dispatchMany(DispatchManyRequest request, StreamObserver<DispatchManyResponse> response) {
            dispatchManies.add(request);
            response.onNext(DispatchManyResponse.newBuilder().setDelivered(request.getMachinesCount()).build());
            response.onCompleted();
        }

        @Override
        public void cancel(CancelRequest request, StreamObserver<CancelResponse> response) {
            cancels.add(request);
            response.onNext(CancelResponse.getDefaultInstance());
            response.onCompleted();
        }
    }

    /**
     * Admits only callers whose certificate names the control API, as the gateway's internal listener does (a
     * method reference, not a ServerInterceptor class, which Quarkus would take for an unused interceptor).
     */
    private <Q, R> ServerCall.Listener<Q> admitControlApiOnly(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        Optional<String> service = peerService(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        if (service.filter(ServiceIdentity.CONTROL_API::equals).isEmpty()) {
            call.close(Status.PERMISSION_DENIED.withDescription("not the control API: " + service), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        callers.add(service.get());
        return next.startCall(call, headers);
    }

    private static Optional<String> peerService(SSLSession session) {
        try {
            Certificate[] chain = session == null ? new Certificate[0] : session.getPeerCertificates();
            return chain.length == 0 ? Optional.empty() : ServiceIdentity.of((X509Certificate) chain[0]);
        } catch (SSLPeerUnverifiedException none) {
            return Optional.empty();
        }
    }
}
