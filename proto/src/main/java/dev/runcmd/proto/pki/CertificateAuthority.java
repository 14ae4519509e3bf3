package dev.runcmd.proto.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The runcmd CA: a certificate and its private key, issuing machine certificates (enrollment, renewal), gateway
 * server certificates and service client certificates. Immutable and thread-safe.
 */
public final class CertificateAuthority {

    /** Certificates start this long before they are issued, so a clock a little behind still accepts them. */
    private static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    public CertificateAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
        if (certificate.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("the CA certificate " + certificate.getSubjectX500Principal()
                    + " is not a CA (basicConstraints cA is not set)");
        }
    }

    /** A new self-signed CA with an EC P-256 key. */
    public static CertificateAuthority create(String commonName, Duration validity) {
        KeyPair keys = Csr.newKeyPair();
        X500Name subject = name(commonName);
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()));
            return new CertificateAuthority(sign(builder, keys.getPrivate(), keys.getPublic()), keys.getPrivate());
        } catch (GeneralSecurityException | IOException failure) {
            throw new IllegalStateException("cannot create the CA", failure);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return key;
    }

    /** SHA-256 of the CA's SubjectPublicKeyInfo in hex, as a join token carries it. */
    public String publicKeyHash() {
        return publicKeyHash(certificate);
    }

    /** SHA-256 of a certificate's SubjectPublicKeyInfo in lower-case hex (see {@link KeyHash}). */
    public static String publicKeyHash(X509Certificate certificate) {
        return KeyHash.of(certificate);
    }

    /** A machine's client certificate for a key proven by a CSR. */
    public X509Certificate issueMachine(PublicKey subjectKey, MachineIdentity identity, Duration lifetime) {
        List<GeneralName> names = List.of(
                new GeneralName(GeneralName.uniformResourceIdentifier, identity.machineUri()),
                new GeneralName(GeneralName.uniformResourceIdentifier, identity.enrollmentUri()));
        return issue(subjectKey, identity.machineName(), names, lifetime, KeyPurposeId.id_kp_clientAuth);
    }

    /**
     * A service's certificate: its URI SAN plus, for a server, the DNS names and IP addresses clients dial.
     * Usable for both ends of TLS.
     */
    public X509Certificate issueService(PublicKey subjectKey, String service, List<String> hostNames,
                                        Duration lifetime) {
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.uniformResourceIdentifier, ServiceIdentity.uri(service)));
        for (String host : hostNames) {
            names.add(new GeneralName(isIpAddress(host) ? GeneralName.iPAddress : GeneralName.dNSName, host));
        }
        return issue(subjectKey, "runcmd " + service, names, lifetime,
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
    }

    private X509Certificate issue(PublicKey subjectKey, String commonName, List<GeneralName> names,
                                  Duration lifetime, KeyPurposeId... purposes) {
        Instant now = Instant.now();
        Instant notAfter = now.plus(lifetime);
        if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
            notAfter = certificate.getNotAfter().toInstant();
        }
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), name(commonName), subjectKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(names.toArray(GeneralName[]::new)))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(certificate))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(subjectKey));
            return sign(builder, key, certificate.getPublicKey());
        } catch (GeneralSecurityException | IOException failure) {
            throw new IllegalStateException("cannot issue a certificate for " + commonName, failure);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey, PublicKey verifyKey)
            throws GeneralSecurityException {
        try {
            X509Certificate issued = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(Csr.signatureAlgorithm(verifyKey)).build(signingKey)));
            issued.verify(verifyKey);
            return issued;
        } catch (OperatorCreationException | CertificateException failure) {
            throw new GeneralSecurityException(failure);
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static boolean isIpAddress(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }
}
