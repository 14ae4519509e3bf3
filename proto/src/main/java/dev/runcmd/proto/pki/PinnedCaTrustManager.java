package dev.runcmd.proto.pki;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * An enrolling agent's trust before it has a CA bundle: the server must present a chain that includes a CA certificate
 * whose public key hashes to the join token's CA hash, and the chain must validate against that CA (host name
 * included). So a token alone is enough to reach the right control plane the first time, as kubeadm's
 * {@code --discovery-token-ca-cert-hash}. Only for the agent side.
 */
public final class PinnedCaTrustManager extends X509ExtendedTrustManager {

    private final String caHash;
    private volatile X509Certificate pinned;

    public PinnedCaTrustManager(String caHash) {
        this.caHash = caHash;
    }

    /** The CA certificate the server presented that matched the hash (null before a handshake succeeded). */
    public X509Certificate pinned() {
        return pinned;
    }

    private X509ExtendedTrustManager matching(X509Certificate[] chain) throws CertificateException {
        for (X509Certificate certificate : chain) {
            if (certificate.getBasicConstraints() >= 0
                    && KeyHash.of(certificate).equals(caHash)) {
                pinned = certificate;
                return CaTrustManager.pkix(List.of(certificate));
            }
        }
        throw new CertificateException("the gateway's certificate chain has no CA whose public key hash is the join"
                + " token's (" + caHash.substring(0, 12) + "…): not the control plane the token was made for");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        matching(chain).checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        matching(chain).checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        matching(chain).checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("an enrolling agent accepts no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("an enrolling agent accepts no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("an enrolling agent accepts no clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
