package dev.runcmd.control.pki;

import dev.runcmd.proto.pki.CertificateAuthority;
import dev.runcmd.proto.pki.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Reads the CA an operator supplies ({@code runcmd.pki.ca-cert-file}, {@code runcmd.pki.ca-key-file}) and the extra
 * trust bundle. Every failure is an IllegalStateException that names the setting and the problem (never key
 * material). The reads block: call these off the event loop.
 */
final class CaFiles {

    static final String CERT_SETTING = "runcmd.pki.ca-cert-file";
    static final String KEY_SETTING = "runcmd.pki.ca-key-file";
    static final String EXTRA_TRUST_SETTING = "runcmd.pki.extra-trust-file";

    private CaFiles() {
    }

    /** The CA of a certificate file (its first certificate) and the private key file that belongs to it. */
    static CertificateAuthority authority(Path certificateFile, Path keyFile) {
        X509Certificate certificate = certificates(certificateFile, CERT_SETTING).get(0);
        PrivateKey key;
        try {
            key = Pem.parsePrivateKey(read(keyFile, KEY_SETTING));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(KEY_SETTING + " (" + keyFile + "): " + e.getMessage());
        }
        if (!belongTogether(certificate.getPublicKey(), key)) {
            throw new IllegalStateException(KEY_SETTING + " (" + keyFile + ") is not the private key of the "
                    + "certificate in " + CERT_SETTING + " (" + certificateFile + ")");
        }
        try {
            return new CertificateAuthority(certificate, key);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(CERT_SETTING + " (" + certificateFile + "): " + e.getMessage());
        }
    }

    /** The certificates of the extra trust bundle. */
    static List<X509Certificate> extraTrust(Path file) {
        return certificates(file, EXTRA_TRUST_SETTING);
    }

    private static List<X509Certificate> certificates(Path file, String setting) {
        try {
            return Pem.parseCertificates(read(file, setting));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + " (" + file + "): " + e.getMessage());
        }
    }

    private static String read(Path file, String setting) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(setting + ": cannot read " + file + " (" + e + ")");
        }
    }

    /** Whether a signature by the private key verifies with the public key. */
    private static boolean belongTogether(PublicKey publicKey, PrivateKey privateKey) {
        String algorithm = switch (privateKey.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> privateKey.getAlgorithm();
        };
        byte[] probe = "runcmd CA key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException mismatched) {
            return false;
        }
    }
}
