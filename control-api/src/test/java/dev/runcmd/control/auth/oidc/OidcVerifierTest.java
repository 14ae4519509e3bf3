package dev.runcmd.control.auth.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.control.auth.Caller.PrincipalType;
import dev.runcmd.control.auth.OidcProvider;
import dev.runcmd.control.auth.OidcProvider.Client;
import dev.runcmd.control.auth.OidcProviderResource;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@link OidcVerifier} against a real OIDC provider (oidc-provider, run by node) issuing real JWT access tokens over
 * HTTP: what a valid token says, and each reason a token is refused or cannot be checked.
 */
class OidcVerifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEYCLOAK_SERVICE_ACCOUNT = "keycloak-sa";
    private static final String ENTRA_APP = "entra-app";
    private static final String EXPIRED = "expired";
    private static final String JUST_EXPIRED = "just-expired";
    private static final String NOT_YET_VALID = "not-yet-valid";
    private static final List<Client> CLIENTS = clients();

    private static OidcProvider provider;
    private static OidcVerifier verifier;

    @BeforeAll
    static void startProvider() {
        provider = OidcProvider.start(CLIENTS);
        verifier = verifier(Map.of("runcmd.auth.oidc.issuer", provider.issuer(),
                "runcmd.auth.oidc.audience", OidcProvider.AUDIENCE));
    }

    @AfterAll
    static void stopProvider() {
        provider.close();
    }

    @Test
    void applicationTokenNamesTheClientWithItsGroups() {
        String token = provider.token(OidcProviderResource.APP);

        VerifiedToken verified = verify(verifier, token);

        assertEquals(new VerifiedToken(OidcProviderResource.APP, OidcProviderResource.APP, PrincipalType.Application,
                Set.of("ops-team"), Instant.ofEpochSecond(payload(token).get("exp").asLong())), verified);
    }

    @Test
    void userTokenNamesThePersonByObjectIdAndUsername() {
        VerifiedToken verified = verify(verifier, provider.token(OidcProviderResource.USER));

        assertEquals(OidcProviderResource.USER_OID, verified.objectId());
        assertEquals("alice@example.com", verified.name());
        assertEquals(PrincipalType.User, verified.type());
        assertEquals(Set.of("ops-team", "auditors"), verified.groups());
    }

    @Test
    void keycloakServiceAccountIsAnApplication() {
        VerifiedToken verified = verify(verifier, provider.token(KEYCLOAK_SERVICE_ACCOUNT));

        assertEquals("0c4f7a3e-8a55-4f0e-9d1c-6f2b7d9e1a20", verified.objectId());
        assertEquals("service-account-keycloak-sa", verified.name());
        assertEquals(PrincipalType.Application, verified.type());
        assertEquals(Set.of(), verified.groups());
    }

    @Test
    void entraAppOnlyTokenIsAnApplicationNamedByItsClientId() {
        VerifiedToken verified = verify(verifier, provider.token(ENTRA_APP));

        assertEquals("5b0d2c1e-3f4a-4b6c-8d7e-9f0a1b2c3d4e", verified.objectId());
        assertEquals("6e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b", verified.name());
        assertEquals(PrincipalType.Application, verified.type());
    }

    @Test
    void expiredTokenIsRefused() {
        assertRefused("The access token has expired", verifier, provider.token(EXPIRED));
    }

    @Test
    void tokenExpiredWithinTheClockSkewIsAcceptedAndRefusedWithoutSkew() {
        String token = provider.token(JUST_EXPIRED); // expired 30 s ago; the default skew is 60 s

        assertEquals(JUST_EXPIRED, verify(verifier, token).objectId());
        OidcVerifier strict = verifier(Map.of("runcmd.auth.oidc.issuer", provider.issuer(),
                "runcmd.auth.oidc.clock-skew", "0s"));
        assertRefused("The access token has expired", strict, token);
    }

    @Test
    void tokenNotValidYetIsRefused() {
        assertRefused("The access token is not valid yet (nbf)", verifier, provider.token(NOT_YET_VALID));
    }

    @Test
    void tokenOfAnotherIssuerIsRefused() {
        try (OidcProvider other = OidcProvider.start(CLIENTS)) {
            assertRefused("The access token's issuer '" + other.issuer() + "' is not the configured one", verifier,
                    other.token(OidcProviderResource.APP));
        }
    }

    @Test
    void tokenSignedByAKeyTheIssuerDoesNotPublishIsRefused() {
        try (OidcProvider impostor = OidcProvider.impostorOf(provider)) {
            String forged = impostor.token(OidcProviderResource.APP);
            assertEquals(provider.issuer(), payload(forged).get("iss").asText());

            assertRefused("The access token is signed by a key its issuer does not publish", verifier, forged);
        }
    }

    @Test
    void anotherKeysSignatureUnderThePublishedKeyIdIsRefused() {
        String genuine = provider.token(OidcProviderResource.APP);
        try (OidcProvider impostor = OidcProvider.impostorOf(provider)) {
            String forged = impostor.token(OidcProviderResource.USER);
            ObjectNode header = header(forged).put("kid", header(genuine).get("kid").asText());
            String relabelled = encode(header) + forged.substring(forged.indexOf('.'));

            assertRefused("The access token's signature is not valid", verifier, relabelled);
        }
    }

    @Test
    void tamperedPayloadIsRefused() {
        String token = provider.token(OidcProviderResource.APP);
        ObjectNode claims = payload(token);
        claims.putArray("groups").add("ops-team").add("administrators");
        String[] parts = token.split("\\.");

        assertRefused("The access token's signature is not valid", verifier,
                parts[0] + "." + encode(claims) + "." + parts[2]);
    }

    @Test
    void tokenForAnotherAudienceIsRefusedWhenAnAudienceIsConfigured() {
        String token = provider.token(OidcProviderResource.APP, "urn:other-api");

        assertRefused("The access token's audience 'urn:other-api' is not this API ('urn:runcmd')", verifier, token);
        OidcVerifier anyAudience = verifier(Map.of("runcmd.auth.oidc.issuer", provider.issuer()));
        assertEquals(OidcProviderResource.APP, verify(anyAudience, token).objectId());
    }

    @Test
    void unsignedTokenIsRefused() {
        String token = provider.token(OidcProviderResource.APP);
        ObjectNode header = header(token).put("alg", "none");

        assertRefused("The access token is not signed (alg 'none')", verifier,
                encode(header) + "." + token.split("\\.")[1] + ".");
    }

    @Test
    void tokenSignedWithThePublicKeyAsHmacSecretIsRefused() throws Exception {
        String token = provider.token(OidcProviderResource.APP);
        String signingInput = encode(header(token).put("alg", "HS256")) + "." + token.split("\\.")[1];
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(publishedKeys(provider), "HmacSHA256"));
        String signature = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(hmac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));

        assertRefused("The access token is signed with a shared secret (alg 'HS256'); only keys its issuer publishes"
                + " are accepted", verifier, signingInput + "." + signature);
    }

    @Test
    void malformedTokensAreRefused() {
        assertRefused("The access token is not a signed JWT (header.payload.signature)", verifier, "not-a-jwt");
        assertRefused("The access token is malformed: its header or payload is not base64url JSON of a JWT",
                verifier, "abc.def.ghi");
        assertRefused("The access token is empty", verifier, "");
    }

    @Test
    void withoutAnIssuerEveryTokenIsRefused() {
        OidcVerifier off = verifier(Map.of());

        assertFalse(off.enabled());
        assertRefused("OIDC access tokens are not accepted here (no issuer is configured)", off,
                provider.token(OidcProviderResource.APP));
    }

    @Test
    void plainHttpIssuerOffLoopbackIsAConfigurationError() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> verifier(Map.of("runcmd.auth.oidc.issuer", "http://sso.example/realms/ops")));

        assertEquals("runcmd.auth.oidc.issuer 'http://sso.example/realms/ops' must be an https URL (plain http only"
                + " on a loopback address)", refused.getMessage());
    }

    @Test
    void providerDownAtFirstTokenIsUnavailableUntilItIsUp() {
        int port = OidcProvider.freePort();
        String issuer = "http://127.0.0.1:" + port;
        OidcVerifier early = verifier(Map.of("runcmd.auth.oidc.issuer", issuer));
        ObjectNode claims = JSON.createObjectNode().put("iss", issuer).put("sub", "someone")
                .put("exp", Instant.now().plusSeconds(300).getEpochSecond());
        String wellFormed = encode(JSON.createObjectNode().put("alg", "RS256").put("kid", "k1")) + "."
                + encode(claims) + ".c2lnbmF0dXJl";

        OidcUnavailableException down = assertThrows(OidcUnavailableException.class, () -> verify(early, wellFormed));
        assertEquals("The identity provider cannot be reached; try again later", down.getMessage());

        try (OidcProvider late = OidcProvider.start(CLIENTS, port)) {
            assertEquals(OidcProviderResource.APP, verify(early, late.token(OidcProviderResource.APP)).objectId());
        }
    }

    @Test
    void unreadableKeysAreUnavailableNotARefusal() {
        OidcVerifier noKeys = verifier(Map.of("runcmd.auth.oidc.issuer", provider.issuer(),
                "runcmd.auth.oidc.jwks-url", "http://127.0.0.1:" + OidcProvider.freePort() + "/jwks"));

        OidcUnavailableException unavailable = assertThrows(OidcUnavailableException.class,
                () -> verify(noKeys, provider.token(OidcProviderResource.APP)));
        assertEquals("The identity provider's signing keys could not be read; try again later",
                unavailable.getMessage());
    }

    @Test
    void rotatedKeyIsFetchedWhenATokenNamesIt() {
        OidcProvider rotating = OidcProvider.start(CLIENTS);
        try {
            OidcVerifier watching = verifier(Map.of("runcmd.auth.oidc.issuer", rotating.issuer()));
            String beforeRotation = rotating.token(OidcProviderResource.APP);
            assertEquals(OidcProviderResource.APP, verify(watching, beforeRotation).objectId());

            rotating = rotating.restart();
            String afterRotation = rotating.token(OidcProviderResource.APP);

            assertEquals(OidcProviderResource.APP, verify(watching, afterRotation).objectId());
            assertRefused("The access token is signed by a key its issuer does not publish", watching,
                    beforeRotation);
        } finally {
            rotating.close();
        }
    }

    @Test
    void resultIsDeliveredOnTheCallersVertxContext() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Context caller = vertx.getOrCreateContext();
            CompletableFuture<Context> deliveredOn = new CompletableFuture<>();
            String token = provider.token(OidcProviderResource.APP);
            caller.runOnContext(ignored -> verifier.verify(token).subscribe().with(
                    verified -> deliveredOn.complete(Vertx.currentContext()), deliveredOn::completeExceptionally));

            assertSame(caller, deliveredOn.get(30, TimeUnit.SECONDS));
            assertTrue(caller.isEventLoopContext());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static List<Client> clients() {
        List<Client> clients = new ArrayList<>(OidcProviderResource.CLIENTS);
        clients.add(Client.of(KEYCLOAK_SERVICE_ACCOUNT, Map.of("sub", "0c4f7a3e-8a55-4f0e-9d1c-6f2b7d9e1a20",
                "azp", KEYCLOAK_SERVICE_ACCOUNT, "preferred_username", "service-account-keycloak-sa")));
        clients.add(Client.of(ENTRA_APP, Map.of("oid", "5b0d2c1e-3f4a-4b6c-8d7e-9f0a1b2c3d4e",
                "sub", "5b0d2c1e-3f4a-4b6c-8d7e-9f0a1b2c3d4e", "azp", "6e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b",
                "client_id", "6e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b", "idtyp", "app")));
        clients.add(Client.of(EXPIRED, Map.of()).withAge(Duration.ofHours(1)));
        clients.add(Client.of(JUST_EXPIRED, Map.of()).withAge(Duration.ofMinutes(5).plusSeconds(30)));
        clients.add(Client.of(NOT_YET_VALID, Map.of()).withTtl(Duration.ofHours(2)).withNotBefore(Duration.ofHours(1)));
        return List.copyOf(clients);
    }

    /** A verifier as the application builds it, from settings read the way Quarkus reads them ("60s"). */
    private static OidcVerifier verifier(Map<String, String> settings) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(OidcConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(new HashMap<>(settings), "test", 100))
                .build();
        return new OidcVerifier(config.getConfigMapping(OidcConfig.class));
    }

    private static VerifiedToken verify(OidcVerifier verifier, String token) {
        return verifier.verify(token).await().atMost(Duration.ofSeconds(30));
    }

    private static void assertRefused(String message, OidcVerifier verifier, String token) {
        Executable verification = () -> verify(verifier, token);
        assertEquals(message, assertThrows(InvalidTokenException.class, verification).getMessage());
    }

    private static ObjectNode header(String token) {
        return decode(token.split("\\.")[0]);
    }

    private static ObjectNode payload(String token) {
        return decode(token.split("\\.")[1]);
    }

    private static ObjectNode decode(String part) {
        try {
            return (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(part));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String encode(ObjectNode json) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The provider's published JWK set document, public material an attacker has. */
    private static byte[] publishedKeys(OidcProvider provider) throws Exception {
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(provider.issuer() + "/jwks")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        return response.body();
    }
}
