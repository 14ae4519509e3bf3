package dev.runcmd.control.auth;

import dev.runcmd.control.auth.OidcProvider.Client;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.List;
import java.util.Map;

/**
 * Starts a real OIDC provider ({@link OidcProvider}) for the test application and points
 * {@code runcmd.auth.oidc.issuer} and {@code .audience} at it. Test fields of type {@link OidcProvider} receive it,
 * to fetch tokens: {@code provider.token(OidcProviderResource.APP)}.
 *
 * <p>Use: {@code @WithTestResource(OidcProviderResource.class)} beside {@code EmbeddedPostgresResource}.
 */
public class OidcProviderResource implements QuarkusTestResourceLifecycleManager {

    /** An application (client credentials): objectId and name {@code runcmd-ci}, group {@code ops-team}. */
    public static final String APP = "runcmd-ci";
    /** A person, as a user token would name them: objectId {@link #USER_OID}, name {@code alice@example.com}. */
    public static final String USER = "alice";
    /** The objectId ({@code oid}) of {@link #USER}'s tokens. */
    public static final String USER_OID = "7c3b8a52-1d0e-4c55-9a3e-5f1f0e6b2a11";

    /** The provider's clients: {@link #APP} and {@link #USER}. */
    public static final List<Client> CLIENTS = List.of(
            Client.of(APP, Map.of("groups", List.of("ops-team"))),
            Client.of(USER, Map.of("sub", "user-alice", "oid", USER_OID, "preferred_username", "alice@example.com",
                    "name", "Alice Example", "groups", List.of("ops-team", "auditors"))));

    private OidcProvider provider;

    @Override
    public Map<String, String> start() {
        provider = OidcProvider.start(CLIENTS);
        return Map.of(
                "runcmd.auth.oidc.issuer", provider.issuer(),
                "runcmd.auth.oidc.audience", OidcProvider.AUDIENCE);
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(provider, new TestInjector.MatchesType(OidcProvider.class));
    }

    @Override
    public void stop() {
        if (provider != null) {
            provider.close();
        }
    }
}
