package dev.runcmd.proto.pki;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Key pairs and PKCS #10 certificate signing requests: the private key stays where it was made. */
public final class Csr {

    /** The largest CSR accepted (a P-256 request is about 250 bytes, an RSA 4096 one under 1.5 KiB). */
    public static final int MAX_BYTES = 8192;

    private Csr() {
    }

    /** A new EC P-256 key pair (see {@link CsrWriter#newKeyPair}). */
    public static KeyPair newKeyPair() {
        return CsrWriter.newKeyPair();
    }

    /** A CSR (DER) for the key pair, signed with its private key. */
    public static byte[] create(KeyPair keys, String commonName) {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
        try {
            ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm(keys.getPublic()))
                    .build(keys.getPrivate());
            return new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic()).build(signer).getEncoded();
        } catch (OperatorCreationException | IOException failure) {
            throw new IllegalStateException("cannot sign a certificate request", failure);
        }
    }

    /**
     * The public key of a CSR whose signature proves possession of the private key. IllegalArgumentException, with
     * a message fit for the caller, if the CSR is malformed, too large, badly signed or its key too weak.
     */
    public static PublicKey verifiedKey(byte[] der) {
        if (der.length == 0) {
            throw new IllegalArgumentException("csr must be set");
        }
        if (der.length > MAX_BYTES) {
            throw new IllegalArgumentException("csr is " + der.length + " bytes; at most " + MAX_BYTES);
        }
        JcaPKCS10CertificationRequest request;
        PublicKey key;
        try {
            request = new JcaPKCS10CertificationRequest(der);
            key = request.getPublicKey();
        } catch (IOException | RuntimeException | GeneralSecurityException malformed) {
            throw new IllegalArgumentException("csr is not a DER PKCS #10 certificate request");
        }
        try {
            if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw new IllegalArgumentException("csr signature does not verify with its public key");
            }
        } catch (OperatorCreationException | PKCSException unverifiable) {
            throw new IllegalArgumentException("csr signature cannot be verified: " + unverifiable.getMessage());
        }
        requireStrong(key);
        return key;
    }

    private static void requireStrong(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            if (ec.getParams().getCurve().getField().getFieldSize() < 256) {
                throw new IllegalArgumentException("csr key is an EC key under 256 bits");
            }
        } else if (key instanceof RSAPublicKey rsa) {
            if (rsa.getModulus().bitLength() < 2048) {
                throw new IllegalArgumentException("csr key is an RSA key under 2048 bits");
            }
        } else {
            throw new IllegalArgumentException("csr key must be EC (P-256 or larger) or RSA (2048 bits or more)");
        }
    }

    static String signatureAlgorithm(PublicKey key) {
        return key instanceof RSAPublicKey ? "SHA256withRSA" : "SHA256withECDSA";
    }
}
