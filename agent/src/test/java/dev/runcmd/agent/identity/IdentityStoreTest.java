package dev.runcmd.agent.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.proto.pki.CertificateAuthority;
import dev.runcmd.proto.pki.Csr;
import dev.runcmd.proto.pki.MachineIdentity;
import dev.runcmd.proto.pki.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The identity files: what counts as an identity, a renewal cut short, and a key others can read. */
class IdentityStoreTest {
    private static final CertificateAuthority CA = CertificateAuthority.create("store test CA", Duration.ofDays(1));
    private static final MachineIdentity MACHINE = new MachineIdentity("s", "rg", "m", UUID.randomUUID());

    @TempDir
    Path dir;

    @Test
    void aRenewalCutShortBetweenKeyAndCertificateIsFinishedOnLoad() throws Exception {
        IdentityStore store = new IdentityStore(dir.resolve("identity"));
        store.save(identity());
        Identity renewed = identity();
        Path identityDir = store.dir();
        // What a renewal leaves when the agent dies after replacing key.pem and before renaming the staged cert.
        Files.writeString(identityDir.resolve("cert.pem.new"), Pem.certificate(renewed.certificate()));
        Files.writeString(identityDir.resolve("key.pem"), Pem.privateKey(renewed.key()));

        Identity loaded = store.load().orElseThrow();

        assertEquals(renewed.certificate(), loaded.certificate());
        assertEquals(List.of(renewed.certificate()),
                Pem.parseCertificates(Files.readString(identityDir.resolve("cert.pem"))));
        assertFalse(Files.exists(identityDir.resolve("cert.pem.new")));
    }

    @Test
    void aRenewalCutShortBeforeTheKeyKeepsTheCurrentIdentity() throws Exception {
        IdentityStore store = new IdentityStore(dir.resolve("identity"));
        Identity current = identity();
        store.save(current);
        Files.writeString(store.dir().resolve("cert.pem.new"), Pem.certificate(identity().certificate()));

        assertEquals(current.certificate(), store.load().orElseThrow().certificate());
        assertFalse(Files.exists(store.dir().resolve("cert.pem.new")));
    }

    @Test
    void aKeyWithoutItsCertificateIsNoIdentity() throws Exception {
        IdentityStore store = new IdentityStore(dir.resolve("identity"));
        store.save(identity());
        Files.delete(store.dir().resolve("cert.pem"));

        assertTrue(store.load().isEmpty());
    }

    @Test
    void aKeyOthersCanReadIsRefused() throws Exception {
        IdentityStore store = new IdentityStore(dir.resolve("identity"));
        store.save(identity());
        Path key = store.dir().resolve("key.pem");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        IdentityException e = assertThrows(IdentityException.class, store::load);

        assertEquals(key + " is accessible to group or others (rw-r--r--); it must be 0600, as it guards the"
                + " machine's key", e.getMessage());
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        IdentityStore store = new IdentityStore(dir.resolve("identity"));
        store.save(identity());
        Files.writeString(store.dir().resolve("key.pem"), Pem.privateKey(Csr.newKeyPair().getPrivate()));

        IdentityException e = assertThrows(IdentityException.class, store::load);

        assertEquals(store.dir().resolve("key.pem") + " does not belong to " + store.dir().resolve("cert.pem")
                + "; remove the directory and enroll again with a new join token", e.getMessage());
    }

    private static Identity identity() {
        KeyPair keys = Csr.newKeyPair();
        return new Identity(keys.getPrivate(), CA.issueMachine(keys.getPublic(), MACHINE, Duration.ofHours(1)),
                List.of(CA.certificate()), Instant.now());
    }
}
