package dev.runcmd.proto.pki;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly the runcmd CA certificates it was given (never the system's), replaceable at any time (CA rotation).
 * Chains are checked by the JDK's PKIX validation: signatures, validity and, when the engine asks for it (clients
 * dialling a gateway), the host name against the certificate's names.
 */
public final class CaTrustManager extends X509ExtendedTrustManager {

    private volatile X509ExtendedTrustManager delegate;
    private volatile List<X509Certificate> authorities;

    public CaTrustManager(Collection<X509Certificate> authorities) {
        update(authorities);
    }

    /** Trusts these CA certificates from now on (and no others; none: nothing is trusted). */
    public void update(Collection<X509Certificate> authorities) {
        this.delegate = authorities.isEmpty() ? null : pkix(authorities);
        this.authorities = List.copyOf(authorities);
    }

    private X509ExtendedTrustManager delegate() throws CertificateException {
        X509ExtendedTrustManager current = delegate;
        if (current == null) {
            throw new CertificateException("the runcmd CA is not loaded yet");
        }
        return current;
    }

    /** The trusted CA certificates. */
    public List<X509Certificate> authorities() {
        return authorities;
    }

    static X509ExtendedTrustManager pkix(Collection<X509Certificate> authorities) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int index = 0;
            for (X509Certificate authority : authorities) {
                store.setCertificateEntry("ca-" + index++, authority);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager extended) {
                    return extended;
                }
            }
            throw new IllegalStateException("no X509ExtendedTrustManager from PKIX");
        } catch (GeneralSecurityException | IOException failure) {
            throw new IllegalStateException("cannot build a trust manager for the runcmd CA", failure);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate().checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return authorities.toArray(X509Certificate[]::new);
    }
}
