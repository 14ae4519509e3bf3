package dev.runcmd.control.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.proto.pki.CertificateAuthority;
import dev.runcmd.proto.pki.ServiceIdentity;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The control API's client certificate: what it names, how long it lives, and when it is replaced. */
class ServiceCertificateTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("test CA", Duration.ofDays(30));
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @Test
    void issuesAClientCertificateNamingTheControlApiForSevenDays() throws Exception {
        ServiceCertificate service = new ServiceCertificate(CA);

        X509Certificate certificate = service.keyManager().certificate();
        certificate.verify(CA.certificate().getPublicKey());
        assertEquals(Optional.of(ServiceIdentity.CONTROL_API), ServiceIdentity.of(certificate));
        assertTrue(certificate.getExtendedKeyUsage().contains(CLIENT_AUTH), "not usable as a TLS client certificate");
        assertEquals(Duration.ofDays(7).plusMinutes(5), Duration.between(certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant()), "seven days from issue, valid from five minutes before");
        assertArrayEquals(new X509Certificate[] {certificate, CA.certificate()},
                service.keyManager().getCertificateChain("runcmd"));
        assertTrue(signsFor(service, certificate), "the key manager's key does not belong to its certificate");
    }

    @Test
    void renewsWithANewKeyOnlyOnceTwoThirdsOfItsLifeHavePassed() throws Exception {
        ServiceCertificate service = new ServiceCertificate(CA);
        X509Certificate first = service.keyManager().certificate();
        Instant from = first.getNotBefore().toInstant();
        Instant due = from.plus(Duration.between(from, first.getNotAfter().toInstant()).multipliedBy(2).dividedBy(3));

        assertFalse(service.renewIfDue(due.minusSeconds(1)));
        assertSame(first, service.keyManager().certificate());

        assertTrue(service.renewIfDue(due));
        X509Certificate second = service.keyManager().certificate();
        assertNotEquals(first.getSerialNumber(), second.getSerialNumber());
        assertFalse(Arrays.equals(first.getPublicKey().getEncoded(), second.getPublicKey().getEncoded()),
                "the renewed certificate reuses the old key pair");
        assertTrue(signsFor(service, second));
        assertFalse(service.renewIfDue(Instant.now()), "a fresh certificate was replaced at once");
    }

    private static boolean signsFor(ServiceCertificate service, X509Certificate certificate) throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(service.keyManager().getPrivateKey("runcmd"));
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(new byte[] {1, 2, 3});
        return verifier.verify(signature);
    }
}
