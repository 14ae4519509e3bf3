package dev.runcmd.control.auth.oidc;

import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.KeyLocationResolver;
import io.smallrye.jwt.auth.principal.UnmatchedTokenKidException;
import java.io.IOException;
import java.security.Key;
import java.util.List;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * The issuer's signing keys, fetched from its JWK set URL and cached by smallrye-jwt's {@link KeyLocationResolver}:
 * refreshed when the cache expires, and at once (at most once a minute) when a token names a key id the cache lacks,
 * which is how a key rotation at the provider is picked up.
 *
 * <p>Why this subclass: when no key matches, the library reports the same exception whether the JWK set was read and
 * lacks the token's key, or could not be read at all (it throws an {@link UnmatchedTokenKidException} and swallows it
 * itself). The first is the caller's fault (a 401), the second the provider's (a 503); this resolver tells them
 * apart. Blocking (HTTP): call it on a worker thread only.
 */
final class PublishedKeys extends KeyLocationResolver {

    /** Reads the JWK set now; fails with the cause when it cannot be read. */
    PublishedKeys(JWTAuthContextInfo context) throws UnresolvableKeyException {
        super(context);
    }

    @Override
    public Key resolveKey(JsonWebSignature jws, List<JsonWebStructure> nestingContext)
            throws UnresolvableKeyException {
        try {
            return super.resolveKey(jws, nestingContext);
        } catch (UnresolvableKeyException e) {
            if (keysReadable()) {
                throw new UnmatchedTokenKidException("The JWK set has no key for the token's kid and alg");
            }
            throw e;
        }
    }

    /** Whether the JWK set is at hand (cached, or read again now when its cache expired). */
    private boolean keysReadable() {
        if (httpsJwks == null) {
            return jsonWebKeys != null && !jsonWebKeys.isEmpty();
        }
        try {
            return !httpsJwks.getJsonWebKeys().isEmpty();
        } catch (JoseException | IOException e) {
            return false;
        }
    }
}
