package dev.runcmd.proto.pki;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager with one key and certificate chain that can be replaced at any time (renewal): every new TLS handshake
 * uses the newest; connections already open keep theirs. Before the first {@link #update} it offers no key, so
 * handshakes that need one fail.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {

    private static final String ALIAS = "runcmd";

    private volatile Credentials current;

    /** Makes this key and chain (leaf first) the one offered from now on. */
    public void update(PrivateKey key, List<X509Certificate> chain) {
        current = new Credentials(key, chain.toArray(X509Certificate[]::new));
    }

    /** The leaf certificate offered now, or null before the first update. */
    public X509Certificate certificate() {
        Credentials credentials = current;
        return credentials == null ? null : credentials.chain()[0];
    }

    private String alias() {
        return current == null ? null : ALIAS;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return current == null ? null : new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return alias();
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return alias();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return current == null ? null : new String[] {ALIAS};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return alias();
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return alias();
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Credentials credentials = current;
        return credentials == null || !ALIAS.equals(alias) ? null : credentials.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Credentials credentials = current;
        return credentials == null || !ALIAS.equals(alias) ? null : credentials.key();
    }

    private record Credentials(PrivateKey key, X509Certificate[] chain) {
    }
}
