package dev.runcmd.control.auth.oidc;

import io.smallrye.jwt.KeyFormat;
import io.smallrye.jwt.auth.principal.DefaultJWTTokenParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * smallrye-jwt's verification of one issuer's access tokens: signature with the issuer's published keys
 * ({@link PublishedKeys}, read on first use and again after a failed read), issuer, {@code exp}, {@code nbf} and
 * {@code iat} within the clock skew, audience when one is configured.
 *
 * <p>Thread-safe. {@link #verify} blocks while keys are fetched: call it on a worker thread only.
 */
final class IssuerTokenParser extends DefaultJWTTokenParser {

    /** How often the keys are read again when the provider's answer sets no cache lifetime (minutes). */
    private static final int KEYS_REFRESH_MINUTES = 10;
    /** The least time between two reads forced by unknown key ids (minutes): a flood of them costs one a minute. */
    private static final int FORCED_REFRESH_MINUTES = 1;
    /** How long the keys last read stay in use while the provider cannot be reached (minutes). */
    private static final int KEYS_KEPT_ON_ERROR_MINUTES = 60;

    private final JWTAuthContextInfo context;
    private final Optional<String> audience;
    private volatile PublishedKeys keys; // null until read successfully

    IssuerTokenParser(String issuer, String keysUrl, Optional<String> audience, Duration clockSkew) {
        this.audience = audience;
        context = new JWTAuthContextInfo(keysUrl, issuer);
        context.setKeyFormat(KeyFormat.JWK);
        context.setSignatureAlgorithm(TokenForm.ALGORITHMS);
        context.setRelaxVerificationKeyValidation(false);
        context.setRequireNamedPrincipal(false);
        context.setClockSkew(Math.toIntExact(clockSkew.toSeconds()));
        context.setExpectedAudience(audience.map(Set::of).orElse(null));
        context.setJwksRefreshInterval(KEYS_REFRESH_MINUTES);
        context.setForcedJwksRefreshInterval(FORCED_REFRESH_MINUTES);
        context.setJwksRetainCacheOnErrorDuration(KEYS_KEPT_ON_ERROR_MINUTES);
    }

    /**
     * The verified claims of a token.
     *
     * @throws InvalidTokenException when the token is refused
     * @throws OidcUnavailableException when the provider's keys cannot be read
     */
    JwtClaims verify(String jwt) {
        try {
            return parse(jwt, context).getJwtClaims();
        } catch (ParseException e) {
            throw Refusals.of(e, audience);
        } catch (ClassCastException e) {
            // After the signature checked out, the library normalizes "groups" (and "roleMappings") by casting.
            throw new InvalidTokenException("The access token's groups claim is neither a string nor a list");
        }
    }

    @Override
    protected VerificationKeyResolver getVerificationKeyResolver(JWTAuthContextInfo info)
            throws UnresolvableKeyException {
        PublishedKeys current = keys;
        if (current == null) {
            synchronized (this) {
                current = keys;
                if (current == null) {
                    current = new PublishedKeys(info);
                    keys = current;
                }
            }
        }
        return current;
    }
}
