package dev.runcmd.control.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.control.EmbeddedPostgresResource;
import dev.runcmd.control.auth.Caller.PrincipalType;
import dev.runcmd.control.auth.oidc.OidcVerifier;
import dev.runcmd.control.auth.oidc.VerifiedToken;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The fixture as QuarkusTests use it: {@link OidcProviderResource} points the application's {@code runcmd.auth.oidc}
 * settings at a real provider it started, and hands that provider to the test, whose tokens the application's
 * {@link OidcVerifier} then accepts.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(OidcProviderResource.class)
class OidcProviderResourceTest {

    @Inject
    OidcVerifier verifier;

    OidcProvider provider;

    @Test
    void applicationVerifiesTokensOfTheProviderStartedForIt() {
        VerifiedToken user = verifier.verify(provider.token(OidcProviderResource.USER))
                .await().atMost(Duration.ofSeconds(30));

        assertTrue(verifier.enabled());
        assertEquals(new VerifiedToken(OidcProviderResource.USER_OID, "alice@example.com", PrincipalType.User,
                Set.of("ops-team", "auditors"), user.expiresAt()), user);
        assertEquals(PrincipalType.Application, verifier.verify(provider.token(OidcProviderResource.APP))
                .await().atMost(Duration.ofSeconds(30)).type());
    }
}
