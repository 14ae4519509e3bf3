package dev.runcmd.control.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.proto.pki.CertificateAuthority;
import dev.runcmd.proto.pki.Csr;
import dev.runcmd.proto.pki.Pem;
import dev.runcmd.proto.pki.ServiceIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA an operator supplies as PEM files: what is accepted, and the message for each mistake. */
class CaFilesTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("operator CA", Duration.ofDays(30));
    private static final CertificateAuthority OLD = CertificateAuthority.create("old CA", Duration.ofDays(30));

    @TempDir
    Path dir;

    @Test
    void loadsTheCaAndTheExtraTrustBundle() throws IOException {
        Path certificate = write("ca.pem", Pem.certificate(CA.certificate()));
        Path key = write("ca-key.pem", Pem.privateKey(CA.privateKey()));
        Path extra = write("old.pem", Pem.certificates(List.of(OLD.certificate(), CA.certificate())));

        CertificateAuthority loaded = CaFiles.authority(certificate, key);

        assertEquals(CA.certificate(), loaded.certificate());
        assertEquals(CA.publicKeyHash(), loaded.publicKeyHash());
        assertEquals(List.of(OLD.certificate(), CA.certificate()), CaFiles.extraTrust(extra));
    }

    @Test
    void keyOfAnotherCertificateIsRefused() throws IOException {
        Path certificate = write("ca.pem", Pem.certificate(CA.certificate()));
        Path key = write("ca-key.pem", Pem.privateKey(OLD.privateKey()));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CaFiles.authority(certificate, key));
        assertEquals("runcmd.pki.ca-key-file (" + key + ") is not the private key of the certificate in "
                + "runcmd.pki.ca-cert-file (" + certificate + ")", e.getMessage());
    }

    @Test
    void certificateThatIsNotACaIsRefused() throws IOException {
        KeyPair keys = Csr.newKeyPair();
        X509Certificate leaf = CA.issueService(keys.getPublic(), ServiceIdentity.GATEWAY, List.of(), Duration.ofDays(1));
        Path certificate = write("leaf.pem", Pem.certificate(leaf));
        Path key = write("leaf-key.pem", Pem.privateKey(keys.getPrivate()));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CaFiles.authority(certificate, key));
        assertEquals("runcmd.pki.ca-cert-file (" + certificate + "): the CA certificate CN=runcmd gateway is not a CA "
                + "(basicConstraints cA is not set)", e.getMessage());
    }

    @Test
    void unreadableOrMalformedFilesNameTheirSetting() throws IOException {
        Path certificate = write("ca.pem", Pem.certificate(CA.certificate()));
        Path missing = dir.resolve("absent.pem");
        Path notKey = write("not-key.pem", Pem.certificate(CA.certificate()));
        Path notPem = write("not-pem.pem", "hello");

        assertEquals("runcmd.pki.ca-key-file: cannot read " + missing + " (java.nio.file.NoSuchFileException: "
                + missing + ")", assertThrows(IllegalStateException.class,
                        () -> CaFiles.authority(certificate, missing)).getMessage());
        assertEquals("runcmd.pki.ca-key-file (" + notKey + "): no PKCS #8 \"PRIVATE KEY\" block in the PEM text",
                assertThrows(IllegalStateException.class, () -> CaFiles.authority(certificate, notKey)).getMessage());
        String malformed = assertThrows(IllegalStateException.class, () -> CaFiles.extraTrust(notPem)).getMessage();
        assertTrue(malformed.startsWith("runcmd.pki.extra-trust-file (" + notPem + "): malformed certificate"),
                malformed);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
