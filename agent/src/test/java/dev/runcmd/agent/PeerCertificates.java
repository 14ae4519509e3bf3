package dev.runcmd.agent;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Records, for every call a test gateway takes, the client certificate of its TLS connection (null without one),
 * and hands it to the service in {@link #CLIENT}, as the real gateway identifies the machine by it.
 */
final class PeerCertificates implements ServerInterceptor {
    /** The calling client's certificate, null when it presented none. */
    static final Context.Key<X509Certificate> CLIENT = Context.key("runcmd-client-certificate");

    private final List<X509Certificate> calls = new ArrayList<>(); // guarded by this

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
        X509Certificate client = clientCertificate(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        synchronized (this) {
            calls.add(client);
        }
        return Contexts.interceptCall(Context.current().withValue(CLIENT, client), call, headers, next);
    }

    /** The client certificate of each call so far, in order (null for a call without one). */
    synchronized List<X509Certificate> calls() {
        return new ArrayList<>(calls);
    }

    private static X509Certificate clientCertificate(SSLSession session) {
        if (session == null) {
            return null;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length == 0 ? null : (X509Certificate) chain[0];
        } catch (SSLPeerUnverifiedException none) {
            return null;
        }
    }
}
