package dev.runcmd.cli.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.cli.local.Artifacts;
import dev.runcmd.cli.local.LocalStack;
import dev.runcmd.proto.pki.ApiToken;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files holding secrets: the owner token and the login profile are 0600 in 0700 directories. */
class PrivateFilesTest {

    @TempDir Path root;

    @Test
    void theLocalStacksOwnerTokenIsCreatedOnceMode0600InA0700Directory() throws Exception {
        Path dataDir = root.resolve("local");
        LocalStack stack = new LocalStack(new Artifacts(root), dataDir);

        String token = stack.ownerToken();

        assertEquals(dataDir.resolve("owner.token"), stack.ownerTokenFile());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stack.ownerTokenFile())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)));
        assertEquals(token, ApiToken.parse(token).text());
        assertEquals(token, stack.ownerToken());
        assertEquals(token, new LocalStack(new Artifacts(root), dataDir).ownerToken());
    }

    @Test
    void aDataDirectoryOpenToOthersIsClosedWhenTheTokenIsCreated() throws Exception {
        Path dataDir = Files.createDirectories(root.resolve("shared"));
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));

        OwnerToken.readOrCreate(dataDir);

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)));
    }

    @Test
    void anAbsentOwnerTokenIsReadAsNone() throws Exception {
        assertEquals(Optional.empty(), OwnerToken.read(root.resolve("nothing-here")));
        assertFalse(Files.exists(root.resolve("nothing-here")));
    }

    @Test
    void theProfileIsWrittenMode0600InA0700DirectoryAndReadBack() throws Exception {
        ProfileStore store = new ProfileStore(root.resolve("config"));
        Profile profile = new Profile("https://control.example", null, "https://idp.example", "https://idp.example/token",
                "ci", Profile.CLIENT_CREDENTIALS, "client_secret_basic", "CI_SECRET", null, null, "urn:runcmd",
                "access", null, "2026-03-01T13:00:00Z");

        store.save(profile);
        store.save(profile);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file().getParent())));
        assertEquals(Optional.of(profile), store.load());
        try (var files = Files.list(store.file().getParent())) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
        assertTrue(store.delete());
        assertEquals(Optional.empty(), store.load());
    }

    @Test
    void aProfilesTextNeverShowsItsTokens() {
        Profile profile = new Profile("https://control.example", null, "https://idp.example", "https://idp.example/token",
                "ci", Profile.DEVICE_CODE, null, null, null, null, null, "access-secret", "refresh-secret", null);

        assertFalse(profile.toString().contains("secret"), profile.toString());
    }
}
