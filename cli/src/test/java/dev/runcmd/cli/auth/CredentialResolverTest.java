package dev.runcmd.cli.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.runcmd.cli.Main;
import dev.runcmd.cli.http.Connection;
import dev.runcmd.cli.http.Credential;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The order credentials are taken in: --token, RUNCMD_TOKEN, the login profile for the endpoint in use, the local
 * stack's owner token for an endpoint on this machine, none.
 */
class CredentialResolverTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    private static final String LOCAL = "http://127.0.0.1:8080";
    private static final String REMOTE = "https://control.example";

    @TempDir Path home;
    private final Map<String, String> env = new HashMap<>();
    private String ownerToken;

    @BeforeEach
    void ownerTokenAndProfileExist() throws Exception {
        ownerToken = OwnerToken.readOrCreate(home.resolve(".runcmd/local")).text();
        saveProfile(LOCAL + "/");
    }

    @Test
    void theTokenFlagComesFirst() throws Exception {
        env.put("RUNCMD_TOKEN", "from-env");

        Connection connection = resolve(null, "from-flag");

        assertEquals("from-flag", connection.credential().bearerToken());
        assertEquals("--token", connection.credential().source());
    }

    @Test
    void theEnvironmentComesBeforeTheProfileAndTheOwnerToken() throws Exception {
        env.put("RUNCMD_TOKEN", "from-env");

        Connection connection = resolve(null, null);

        assertEquals("from-env", connection.credential().bearerToken());
        assertEquals("RUNCMD_TOKEN", connection.credential().source());
    }

    @Test
    void aProfileForTheEndpointInUseComesBeforeTheOwnerToken() throws Exception {
        Connection connection = resolve("http://127.0.0.1:8080", null);

        assertEquals("profile-access-token", connection.credential().bearerToken());
        assertEquals("the login profile " + home.resolve(".runcmd/profile.json"), connection.credential().source());
    }

    @Test
    void aProfileForAnotherEndpointIsNotUsedAndTheOwnerTokenIs() throws Exception {
        saveProfile(REMOTE);

        Connection connection = resolve(LOCAL, null);

        assertEquals(ownerToken, connection.credential().bearerToken());
        assertEquals("the local stack's owner token " + home.resolve(".runcmd/local/owner.token"),
                connection.credential().source());
    }

    @Test
    void withoutEndpointFlagOrVariableTheProfilesEndpointIsUsed() throws Exception {
        saveProfile(REMOTE);

        Connection connection = resolve(null, null);

        assertEquals(REMOTE, connection.endpoint());
        assertEquals("profile-access-token", connection.credential().bearerToken());
    }

    @Test
    void theEndpointVariableComesBeforeTheProfilesEndpoint() throws Exception {
        saveProfile(REMOTE);
        env.put("RUNCMD_ENDPOINT", "http://localhost:9999");

        assertEquals("http://localhost:9999", resolve(null, null).endpoint());
    }

    @Test
    void theOwnerTokenNeverLeavesThisMachine() throws Exception {
        new ProfileStore(home.resolve(".runcmd")).delete();

        Connection connection = resolve(REMOTE, null);

        assertSame(Credential.none(), connection.credential());
        assertNull(connection.credential().bearerToken());
    }

    @Test
    void theOwnerTokenIsReadFromTheDataDirectoryVariable(@TempDir Path dataDir) throws Exception {
        new ProfileStore(home.resolve(".runcmd")).delete();
        String other = OwnerToken.readOrCreate(dataDir).text();
        env.put("RUNCMD_DATA_DIR", dataDir.toString());

        assertEquals(other, resolve("http://localhost:8080", null).credential().bearerToken());
    }

    @Test
    void nothingFoundMeansNoCredential() throws Exception {
        new ProfileStore(home.resolve(".runcmd")).delete();
        env.put("RUNCMD_DATA_DIR", home.resolve("elsewhere").toString());

        assertSame(Credential.none(), resolve(LOCAL, null).credential());
    }

    @Test
    void anUnreadableCaFileIsNamed() {
        Path missing = home.resolve("no-such-ca.pem");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CredentialResolver(env, home, CLOCK).resolve(LOCAL, "t", missing, null));

        assertEquals("cannot use the CA file " + missing + ": no such file", e.getMessage());
    }

    @Test
    void theDataDirectoryDefaultsToWhereUpKeepsIt() {
        assumeTrue(System.getenv("RUNCMD_DATA_DIR") == null, "RUNCMD_DATA_DIR is set in this environment");
        CommandLine.ParseResult up = new CommandLine(new Main()).parseArgs("up").subcommand();
        Path upDefault = up.commandSpec().findOption("--data-dir").getValue();

        Path userHome = Path.of(System.getProperty("user.home"));
        assertEquals(upDefault, new CredentialResolver(Map.of(), userHome, CLOCK).dataDir());
    }

    private Connection resolve(String endpoint, String token) throws Exception {
        return new CredentialResolver(env, home, CLOCK).resolve(endpoint, token, null, null);
    }

    private void saveProfile(String endpoint) throws Exception {
        new ProfileStore(home.resolve(".runcmd")).save(new Profile(endpoint, null, "https://idp.example",
                "https://idp.example/token", "cli", Profile.DEVICE_CODE, null, null, null, null, null,
                "profile-access-token", null, "2026-03-01T13:00:00Z"));
    }
}
