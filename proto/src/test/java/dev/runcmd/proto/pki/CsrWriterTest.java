package dev.runcmd.proto.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The agent's JDK-only certificate request is one the CA side accepts, for the agent's own key only. */
class CsrWriterTest {

    @Test
    void aRequestWrittenWithTheJdkIsVerifiedAndIssuedForItsKey() {
        KeyPair keys = CsrWriter.newKeyPair();
        byte[] request = CsrWriter.create(keys, "web-01");

        assertEquals(keys.getPublic(), Csr.verifiedKey(request));
        CertificateAuthority ca = CertificateAuthority.create("test CA", Duration.ofDays(1));
        X509Certificate issued = ca.issueMachine(Csr.verifiedKey(request),
                new MachineIdentity("s", "rg", "web-01", UUID.randomUUID()), Duration.ofHours(1));
        assertEquals(keys.getPublic(), issued.getPublicKey());
        assertEquals(ca.publicKeyHash(), KeyHash.of(ca.certificate()));
    }

    @Test
    void aTamperedRequestIsRefused() {
        byte[] request = CsrWriter.create(CsrWriter.newKeyPair(), "web-01");
        request[request.length - 40] ^= 1;
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Csr.verifiedKey(request));
        assertEquals("csr signature does not verify with its public key", refused.getMessage());
    }

    @Test
    void aLongCommonNameStillEncodes() {
        KeyPair keys = CsrWriter.newKeyPair();
        assertEquals(keys.getPublic(), Csr.verifiedKey(CsrWriter.create(keys, "m".repeat(300))));
    }
}
