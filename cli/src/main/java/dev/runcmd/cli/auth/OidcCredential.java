package dev.runcmd.cli.auth;

import dev.runcmd.cli.http.Credential;
import dev.runcmd.cli.http.CredentialException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The access token of a login profile, renewed shortly before it expires: with the refresh token when the login
 * has one, else (an application's login) with the client credentials grant again, its secret read anew from the
 * environment variable or file the profile names. A renewed token is stored back in the profile.
 *
 * <p>Thread-safe: a command's progress thread may ask for the token while its main thread does.
 */
public final class OidcCredential implements Credential {

    /** How long before its expiry a token is renewed, so that it does not expire in flight. */
    static final Duration RENEW_BEFORE = Duration.ofSeconds(60);

    private final ProfileStore store;
    private final OidcClient oidc;
    private final Map<String, String> env;
    private final Clock clock;
    private Profile profile; // guarded by this

    public OidcCredential(ProfileStore store, Profile profile, OidcClient oidc, Map<String, String> env, Clock clock) {
        this.store = store;
        this.profile = profile;
        this.oidc = oidc;
        this.env = Map.copyOf(env);
        this.clock = clock;
    }

    @Override
    public synchronized String bearerToken() throws IOException, InterruptedException, CredentialException {
        Instant expiry = profile.expiry();
        if (expiry != null && !clock.instant().plus(RENEW_BEFORE).isBefore(expiry)) {
            profile = renewed();
            store.save(profile);
        }
        return profile.accessToken();
    }

    @Override
    public String source() {
        return "the login profile " + store.file();
    }

    /** The profile holding a fresh access token; CredentialException saying to log in again if none can be had. */
    private Profile renewed() throws IOException, InterruptedException, CredentialException {
        String secret = profile.clientSecret() == null ? null : profile.clientSecret().read(env);
        OidcClient.Client client = new OidcClient.Client(profile.clientId(), secret, profile.clientAuthMethod());
        OidcException refusal = null;
        if (profile.refreshToken() != null) {
            try {
                return profile.withTokens(oidc.refresh(profile.tokenEndpoint(), client, profile.refreshToken(),
                        profile.resource()), clock.instant());
            } catch (OidcException e) {
                refusal = e;
            }
        }
        if (Profile.CLIENT_CREDENTIALS.equals(profile.grant())) {
            try {
                return profile.withTokens(oidc.clientCredentials(profile.tokenEndpoint(), client, profile.scope(),
                        profile.resource()), clock.instant());
            } catch (OidcException e) {
                refusal = e;
            }
        }
        throw new CredentialException("the login to " + profile.endpoint() + " expired at " + profile.expiresAt()
                + (refusal != null ? " and the identity provider refused to renew it (" + refusal.getMessage() + ")"
                        : " and holds no refresh token")
                + "; run `runcmd login` again");
    }
}
