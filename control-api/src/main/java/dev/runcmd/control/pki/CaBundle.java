package dev.runcmd.control.pki;

import dev.runcmd.proto.pki.CertificateAuthority;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The runcmd CA this control API issues with, and every CA certificate it trusts: the CA's own first, then the
 * older ones of {@code runcmd.pki.extra-trust-file} (a rotation under way).
 *
 * @param authority the CA
 * @param trusted the CA certificates to trust, never empty
 */
public record CaBundle(CertificateAuthority authority, List<X509Certificate> trusted) {

    /** The CA with the extra certificates trusted beside it. */
    static CaBundle of(CertificateAuthority authority, List<X509Certificate> extraTrust) {
        List<X509Certificate> trusted = new ArrayList<>();
        trusted.add(authority.certificate());
        trusted.addAll(extraTrust);
        return new CaBundle(authority, List.copyOf(trusted));
    }

    /** SHA-256 of the CA's public key, hex: what a join token carries so an agent trusts the gateway. */
    public String publicKeyHash() {
        return authority.publicKeyHash();
    }
}
