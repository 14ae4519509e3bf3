package dev.runcmd.gateway.pki;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Puts the client certificate of the TLS connection a call came on (already verified against the runcmd CA during
 * the handshake) into the call's context, where the services read it with {@link #current()}.
 */
@GlobalInterceptor
@ApplicationScoped
public class PeerCertificates implements ServerInterceptor {

    private static final Context.Key<X509Certificate> PEER = Context.key("runcmd-peer-certificate");

    /** The verified client certificate of the current call, if the client presented one. */
    public static Optional<X509Certificate> current() {
        return Optional.ofNullable(PEER.get());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        X509Certificate peer = peerOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        return Contexts.interceptCall(Context.current().withValue(PEER, peer), call, headers, next);
    }

    /** The leaf certificate the peer presented, or null. */
    public static X509Certificate peerOf(SSLSession session) {
        if (session == null) {
            return null;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? leaf : null;
        } catch (SSLPeerUnverifiedException none) {
            return null;
        }
    }
}
