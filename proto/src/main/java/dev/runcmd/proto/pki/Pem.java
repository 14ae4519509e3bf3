package dev.runcmd.proto.pki;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM text for certificates and PKCS #8 private keys. */
public final class Pem {

    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private Pem() {
    }

    /** One certificate as PEM. */
    public static String certificate(X509Certificate certificate) {
        try {
            return block("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateException unencodable) {
            throw new IllegalStateException("certificate cannot be encoded", unencodable);
        }
    }

    /** Certificates as one PEM bundle, in order. */
    public static String certificates(Collection<X509Certificate> certificates) {
        StringBuilder bundle = new StringBuilder();
        certificates.forEach(certificate -> bundle.append(certificate(certificate)));
        return bundle.toString();
    }

    /** A private key as unencrypted PKCS #8 PEM (store it 0600). */
    public static String privateKey(PrivateKey key) {
        return block("PRIVATE KEY", key.getEncoded());
    }

    /** Every certificate in a PEM bundle, in order; IllegalArgumentException if there is none or one is malformed. */
    public static List<X509Certificate> parseCertificates(String pem) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            Collection<? extends Certificate> parsed =
                    factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate certificate : parsed) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("no certificate in the PEM text");
            }
            return certificates;
        } catch (CertificateException malformed) {
            throw new IllegalArgumentException("malformed certificate: " + malformed.getMessage(), malformed);
        }
    }

    /** The PKCS #8 private key (EC or RSA) of a PEM text; IllegalArgumentException if there is none. */
    public static PrivateKey parsePrivateKey(String pem) {
        Matcher matcher = PRIVATE_KEY.matcher(pem);
        if (!matcher.find()) {
            throw new IllegalArgumentException("no PKCS #8 \"PRIVATE KEY\" block in the PEM text");
        }
        byte[] der = Base64.getMimeDecoder().decode(matcher.group(1).replaceAll("\\s", ""));
        for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisAlgorithm) {
                // try the next one
            }
        }
        throw new IllegalArgumentException("the private key is not an EC, RSA or Ed25519 PKCS #8 key");
    }

    private static String block(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
