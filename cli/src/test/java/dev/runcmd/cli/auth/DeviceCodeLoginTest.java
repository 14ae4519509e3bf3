package dev.runcmd.cli.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.runcmd.cli.ScriptedServer;
import dev.runcmd.cli.ScriptedServer.Reply;
import dev.runcmd.cli.http.CredentialException;
import dev.runcmd.cli.http.Transport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The device authorization grant against a scripted identity provider: polling at the provider's interval, slower
 * after slow_down, and the ways a sign-in ends. The sleeper records the waits and moves the clock, so nothing sleeps.
 */
class DeviceCodeLoginTest {

    private static final Reply PENDING = Reply.json(400, "{\"error\":\"authorization_pending\"}");
    private static final Reply SLOW_DOWN = Reply.json(400, "{\"error\":\"slow_down\"}");
    private static final Reply TOKENS = Reply.json(200,
            "{\"access_token\":\"access-1\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_token\":\"refresh-1\"}");
    private static final OidcClient.Client CLIENT = new OidcClient.Client("cli", null, null);

    private ScriptedServer idp;
    private final TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream prompt = new ByteArrayOutputStream();
    private DeviceCodeLogin login;

    @BeforeEach
    void start() throws Exception {
        idp = ScriptedServer.start();
        login = new DeviceCodeLogin(new OidcClient(Transport.httpClient(null)), clock, duration -> {
            waits.add(duration);
            clock.advance(duration);
        }, new PrintStream(prompt, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    @Test
    void pollsAtTheIntervalAndFiveSecondsSlowerAfterEachSlowDown() throws Exception {
        idp.on("POST", "/token", PENDING, SLOW_DOWN, PENDING, SLOW_DOWN, TOKENS);

        OidcClient.TokenResponse tokens = login.poll(idp.url() + "/token", CLIENT, authorization(600, 5));

        assertEquals(List.of(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofSeconds(15)), waits);
        assertEquals("access-1", tokens.accessToken());
        assertEquals("refresh-1", tokens.refreshToken());
        assertEquals(5, idp.requests().size());
        assertEquals("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=device-secret"
                + "&client_id=cli", idp.requests().get(0).body());
    }

    @Test
    void anExpiredCodeEndsTheLogin() {
        idp.on("POST", "/token", PENDING, Reply.json(400, "{\"error\":\"expired_token\"}"));

        CredentialException e = assertThrows(CredentialException.class,
                () -> login.poll(idp.url() + "/token", CLIENT, authorization(600, 5)));

        assertEquals("the code expired before the sign-in finished; run `runcmd login` again", e.getMessage());
        assertEquals(2, idp.requests().size());
    }

    @Test
    void noPollIsMadeOnceTheCodesLifetimeIsOver() {
        idp.on("POST", "/token", PENDING);

        CredentialException e = assertThrows(CredentialException.class,
                () -> login.poll(idp.url() + "/token", CLIENT, authorization(12, 5)));

        assertEquals("the code expired before the sign-in finished; run `runcmd login` again", e.getMessage());
        assertEquals(2, idp.requests().size(), "polled at 5 s and 10 s; at 15 s the 12 s code had expired");
    }

    @Test
    void aDeclinedSignInEndsTheLogin() {
        idp.on("POST", "/token", Reply.json(400, "{\"error\":\"access_denied\"}"));

        CredentialException e = assertThrows(CredentialException.class,
                () -> login.poll(idp.url() + "/token", CLIENT, authorization(600, 5)));

        assertEquals("the sign-in was declined", e.getMessage());
    }

    @Test
    void anyOtherErrorEndsTheLoginAsTheProviderSaidIt() {
        idp.on("POST", "/token", Reply.json(401, "{\"error\":\"invalid_client\",\"error_description\":\"unknown client\"}"));

        OidcException e = assertThrows(OidcException.class,
                () -> login.poll(idp.url() + "/token", CLIENT, authorization(600, 5)));

        assertEquals("invalid_client", e.error());
        assertEquals("invalid_client: unknown client", e.getMessage());
    }

    @Test
    void theLoginAsksForACodeAndTellsThePersonWhereToEnterIt() throws Exception {
        idp.on("POST", "/device", Reply.json(200, "{\"device_code\":\"device-secret\",\"user_code\":\"WDJB-MJHT\","
                + "\"verification_uri\":\"https://idp.example/device\",\"verification_uri_complete\":"
                + "\"https://idp.example/device?user_code=WDJB-MJHT\",\"expires_in\":900}"));
        idp.on("POST", "/token", TOKENS);
        OidcClient.Provider provider = new OidcClient.Provider(idp.url() + "/token", idp.url() + "/device", List.of());

        OidcClient.TokenResponse tokens = login.login(provider, CLIENT, "openid offline_access", "urn:runcmd");

        assertEquals("access-1", tokens.accessToken());
        assertEquals("scope=openid+offline_access&resource=urn%3Aruncmd&client_id=cli", idp.requests().get(0).body());
        assertEquals("runcmd: to sign in, open https://idp.example/device and enter the code WDJB-MJHT (valid 15 minutes)\n"
                + "runcmd: or open https://idp.example/device?user_code=WDJB-MJHT\n", prompt.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(Duration.ofSeconds(5)), waits, "the interval defaults to 5 s");
    }

    private static OidcClient.DeviceAuthorization authorization(long expiresIn, long interval) {
        return new OidcClient.DeviceAuthorization("device-secret", "WDJB-MJHT", "https://idp.example/device", null,
                expiresIn, interval);
    }
}
