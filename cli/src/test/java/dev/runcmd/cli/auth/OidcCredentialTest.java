package dev.runcmd.cli.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.cli.ScriptedServer;
import dev.runcmd.cli.ScriptedServer.Reply;
import dev.runcmd.cli.http.CredentialException;
import dev.runcmd.cli.http.Transport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A login's token is renewed shortly before it expires, and the renewed one is stored. */
class OidcCredentialTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Reply RENEWED = Reply.json(200,
            "{\"access_token\":\"access-2\",\"token_type\":\"Bearer\",\"expires_in\":3600}");

    @TempDir Path config;
    private ScriptedServer idp;
    private ProfileStore store;

    @BeforeEach
    void start() throws Exception {
        idp = ScriptedServer.start();
        store = new ProfileStore(config);
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    @Test
    void aTokenValidForMoreThanAMinuteIsUsedAsIs() throws Exception {
        OidcCredential credential = credential(personsLogin("refresh-1", NOW.plusSeconds(61)), Map.of());

        assertEquals("access-1", credential.bearerToken());
        assertTrue(idp.requests().isEmpty());
    }

    @Test
    void aTokenExpiringWithinAMinuteIsRenewedWithTheRefreshTokenAndStored() throws Exception {
        idp.on("POST", "/token", RENEWED);
        OidcCredential credential = credential(personsLogin("refresh-1", NOW.plusSeconds(60)), Map.of());

        assertEquals("access-2", credential.bearerToken());

        assertEquals("grant_type=refresh_token&refresh_token=refresh-1&resource=urn%3Aruncmd&client_id=cli",
                idp.requests().get(0).body());
        Profile stored = store.load().orElseThrow();
        assertEquals("access-2", stored.accessToken());
        assertEquals("refresh-1", stored.refreshToken(), "the provider issued no new refresh token: the old one stays");
        assertEquals(NOW.plusSeconds(3600), stored.expiry());
        assertEquals("access-2", credential.bearerToken());
        assertEquals(1, idp.requests().size());
    }

    @Test
    void anApplicationsLoginIsRenewedWithItsSecretReadAfreshAndNeverStored() throws Exception {
        idp.on("POST", "/token", RENEWED);
        Profile login = new Profile("https://control.example", null, "https://idp.example", idp.url() + "/token", "ci",
                Profile.CLIENT_CREDENTIALS, "client_secret_basic", "CI_SECRET", null, null, "urn:runcmd", "access-1",
                null, NOW.minusSeconds(1).toString());
        OidcCredential credential = credential(login, Map.of("CI_SECRET", "s3cret"));

        assertEquals("access-2", credential.bearerToken());

        ScriptedServer.Request request = idp.requests().get(0);
        assertEquals("Basic " + Base64.getEncoder().encodeToString("ci:s3cret".getBytes(StandardCharsets.UTF_8)),
                request.header("Authorization"));
        assertEquals("grant_type=client_credentials&resource=urn%3Aruncmd", request.body());
        assertFalse(Files.readString(store.file()).contains("s3cret"));
        assertNull(store.load().orElseThrow().refreshToken());
    }

    @Test
    void aRefusedRenewalSaysToLogInAgain() throws Exception {
        idp.on("POST", "/token", Reply.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"refresh token revoked\"}"));
        OidcCredential credential = credential(personsLogin("refresh-1", NOW.minusSeconds(5)), Map.of());

        CredentialException e = assertThrows(CredentialException.class, credential::bearerToken);

        assertEquals("the login to https://control.example expired at 2026-03-01T11:59:55Z and the identity provider "
                + "refused to renew it (invalid_grant: refresh token revoked); run `runcmd login` again", e.getMessage());
    }

    @Test
    void aPersonsLoginWithoutRefreshTokenCannotBeRenewed() throws Exception {
        OidcCredential credential = credential(personsLogin(null, NOW.minusSeconds(5)), Map.of());

        CredentialException e = assertThrows(CredentialException.class, credential::bearerToken);

        assertEquals("the login to https://control.example expired at 2026-03-01T11:59:55Z and holds no refresh token; "
                + "run `runcmd login` again", e.getMessage());
        assertTrue(idp.requests().isEmpty());
    }

    @Test
    void aMissingSecretVariableIsNamed() throws Exception {
        Profile login = new Profile("https://control.example", null, "https://idp.example", idp.url() + "/token", "ci",
                Profile.CLIENT_CREDENTIALS, "client_secret_basic", "CI_SECRET", null, null, null, "access-1", null,
                NOW.minusSeconds(1).toString());
        OidcCredential credential = credential(login, Map.of());

        CredentialException e = assertThrows(CredentialException.class, credential::bearerToken);

        assertEquals("the client secret's environment variable CI_SECRET is not set", e.getMessage());
    }

    private Profile personsLogin(String refreshToken, Instant expiry) {
        return new Profile("https://control.example", null, "https://idp.example", idp.url() + "/token", "cli",
                Profile.DEVICE_CODE, null, null, null, "openid offline_access", "urn:runcmd", "access-1", refreshToken,
                expiry.toString());
    }

    private OidcCredential credential(Profile profile, Map<String, String> env) throws Exception {
        store.save(profile);
        return new OidcCredential(store, profile, new OidcClient(Transport.httpClient(null)), env, new TestClock(NOW));
    }
}
