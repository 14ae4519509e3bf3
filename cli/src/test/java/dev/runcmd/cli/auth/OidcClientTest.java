package dev.runcmd.cli.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.runcmd.cli.ScriptedServer;
import dev.runcmd.cli.ScriptedServer.Reply;
import dev.runcmd.cli.http.Transport;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Discovery, client authentication and what is refused before any secret is sent. */
class OidcClientTest {

    private ScriptedServer idp;
    private final OidcClient oidc = new OidcClient(Transport.httpClient(null));

    @BeforeEach
    void start() throws Exception {
        idp = ScriptedServer.start();
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    @Test
    void discoveryReadsTheEndpointsUnderTheIssuer() throws Exception {
        idp.on("GET", "/realms/runcmd/.well-known/openid-configuration", Reply.json(200, "{\"issuer\":\"" + idp.url()
                + "/realms/runcmd\",\"token_endpoint\":\"" + idp.url() + "/token\",\"device_authorization_endpoint\":\""
                + idp.url() + "/device\",\"token_endpoint_auth_methods_supported\":[\"client_secret_post\"]}"));

        OidcClient.Provider provider = oidc.discover(idp.url() + "/realms/runcmd/");

        assertEquals(new OidcClient.Provider(idp.url() + "/token", idp.url() + "/device", List.of("client_secret_post")),
                provider);
        assertEquals("client_secret_post", provider.clientAuthMethod());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
                                                      | client_secret_basic
            client_secret_basic                       | client_secret_basic
            client_secret_post,client_secret_basic    | client_secret_basic
            client_secret_post                        | client_secret_post
            private_key_jwt                           | client_secret_basic
            """)
    void aClientAuthenticatesWithBasicUnlessTheProviderOffersOnlyPost(String offered, String used) {
        List<String> methods = offered == null ? List.of() : List.of(offered.split(","));

        assertEquals(used, new OidcClient.Provider("https://idp.example/token", null, methods).clientAuthMethod());
    }

    @Test
    void clientCredentialsWithBasicAuthenticationSendTheSecretOnlyInTheHeader() throws Exception {
        idp.on("POST", "/token", Reply.json(200, "{\"access_token\":\"a\",\"token_type\":\"bearer\",\"expires_in\":\"600\"}"));

        OidcClient.TokenResponse tokens = oidc.clientCredentials(idp.url() + "/token",
                new OidcClient.Client("ci deploy", "p@ss:word", "client_secret_basic"), null, "urn:runcmd");

        assertEquals("a", tokens.accessToken());
        assertEquals(Instant.parse("2026-01-01T00:10:00Z"), tokens.expiry(Instant.parse("2026-01-01T00:00:00Z")));
        ScriptedServer.Request request = idp.requests().get(0);
        assertEquals("Basic " + Base64.getEncoder().encodeToString("ci+deploy:p%40ss%3Aword".getBytes()),
                request.header("Authorization"));
        assertEquals("grant_type=client_credentials&resource=urn%3Aruncmd", request.body());
        assertEquals("application/x-www-form-urlencoded", request.header("Content-Type"));
    }

    @Test
    void clientCredentialsWithPostAuthenticationSendTheSecretInTheBody() throws Exception {
        idp.on("POST", "/token", Reply.json(200, "{\"access_token\":\"a\"}"));

        oidc.clientCredentials(idp.url() + "/token", new OidcClient.Client("ci", "s3cret", "client_secret_post"),
                "api://runcmd/.default", null);

        ScriptedServer.Request request = idp.requests().get(0);
        assertNull(request.header("Authorization"));
        assertEquals("grant_type=client_credentials&scope=api%3A%2F%2Fruncmd%2F.default&client_id=ci&client_secret=s3cret",
                request.body());
    }

    @Test
    void anIssuerOverPlainHttpOffThisMachineIsRefusedBeforeAnyRequest() {
        OidcException e = assertThrows(OidcException.class, () -> oidc.discover("http://idp.example"));

        assertEquals("invalid_request: the issuer 'http://idp.example/.well-known/openid-configuration' must be https:// "
                + "(http:// only on this machine's loopback address): client secrets and tokens cross it", e.getMessage());
    }

    @Test
    void withoutExpiresInTheJwtsExpiryIsUsed() {
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"exp\":1772366400}".getBytes());
        OidcClient.TokenResponse tokens = new OidcClient.TokenResponse("h." + payload + ".s", null, null);

        assertEquals(Instant.ofEpochSecond(1772366400), tokens.expiry(Instant.EPOCH));
        assertNull(new OidcClient.TokenResponse("opaque", null, null).expiry(Instant.EPOCH));
    }
}
