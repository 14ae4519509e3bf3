package dev.runcmd.proto.pki;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** SHA-256 of a certificate's SubjectPublicKeyInfo in lower-case hex: how a join token names its CA. JDK only. */
public final class KeyHash {

    private KeyHash() {
    }

    /** The hash of the certificate's public key. */
    public static String of(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded()));
        } catch (GeneralSecurityException unavailable) {
            throw new IllegalStateException(unavailable);
        }
    }
}
