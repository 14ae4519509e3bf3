package dev.runcmd.control.auth;

import dev.runcmd.control.auth.oidc.InvalidTokenException;
import dev.runcmd.control.auth.oidc.OidcVerifier;
import dev.runcmd.control.auth.oidc.VerifiedToken;
import dev.runcmd.proto.pki.ApiToken;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Set;

/**
 * Turns an {@code Authorization} header into a verified {@link Caller}: a runcmd token is looked up by its id and its
 * secret compared with the stored hash (constant time); anything else must be an OIDC access token the configured
 * provider signed ({@link OidcVerifier}). A verified token is remembered (under the SHA-256 of its text, never the
 * text) for {@code runcmd.auth.cache-ttl} or until it expires, whichever is sooner, so the check costs no database
 * read on most requests; revoking through this replica forgets it at once.
 */
@ApplicationScoped
public class Authenticator {

    private static final String BEARER = "bearer ";

    private final AccessStore store;
    private final OidcVerifier oidc;
    private final ExpiringCache<String, Caller> verified;
    private final long ttlNanos;

    Authenticator(AccessStore store, OidcVerifier oidc, AuthConfig config) {
        this.store = store;
        this.oidc = oidc;
        this.verified = new ExpiringCache<>(config.cacheSize(), System::nanoTime);
        this.ttlNanos = config.cacheTtl().toNanos();
    }

    /**
     * The caller a header proves, from {@code clientIp}; fails with {@link AuthenticationFailure} (or the OIDC
     * provider's unavailability). Completes at once when the token was verified recently.
     */
    public Uni<Caller> authenticate(String header, String clientIp) {
        String token;
        try {
            token = bearerToken(header);
        } catch (AuthenticationFailure refused) {
            return Uni.createFrom().failure(refused);
        }
        String key = fingerprint(token);
        Caller known = verified.get(key);
        if (known != null) {
            return Uni.createFrom().item(known.from(clientIp));
        }
        Uni<Verified> verification = ApiToken.looksLikeOne(token) ? verifyRuncmdToken(token) : verifyOidcToken(token);
        return verification.map(result -> {
            long ttl = Math.min(ttlNanos, result.expiresAt() == null ? Long.MAX_VALUE
                    : Duration.between(Instant.now(), result.expiresAt()).toNanos());
            if (ttl > 0) {
                verified.put(key, result.caller(), ttl);
            }
            return result.caller().from(clientIp);
        });
    }

    /** The caller a header proves if its token was verified within the cache's lifetime, else null. */
    public Caller recentlyVerified(String header, String clientIp) {
        try {
            Caller known = verified.get(fingerprint(bearerToken(header)));
            return known == null ? null : known.from(clientIp);
        } catch (AuthenticationFailure refused) {
            return null;
        }
    }

    /** Forgets every verified token (after a revocation through this replica). */
    public void forgetAll() {
        verified.clear();
    }

    private Uni<Verified> verifyRuncmdToken(String text) {
        ApiToken token;
        try {
            token = ApiToken.parse(text);
        } catch (IllegalArgumentException malformed) {
            return Uni.createFrom().failure(AuthenticationFailure.invalidToken(malformed.getMessage()));
        }
        return store.token(token.id()).map(found -> {
            StoredToken stored = found.filter(row -> token.matches(row.secretHash()))
                    .orElseThrow(() -> AuthenticationFailure.invalidToken("The access token is invalid."));
            if (stored.revokedAt() != null) {
                throw AuthenticationFailure.invalidToken("The access token has been revoked.");
            }
            OffsetDateTime expiresAt = stored.expiresAt();
            if (expiresAt != null && !expiresAt.toInstant().isAfter(Instant.now())) {
                throw AuthenticationFailure.invalidToken("The access token expired at '" + expiresAt + "'.");
            }
            Caller caller = new Caller(stored.principalId(), stored.displayName(), stored.principalType(), Set.of(),
                    stored.id(), null);
            return new Verified(caller, expiresAt == null ? null : expiresAt.toInstant());
        });
    }

    private Uni<Verified> verifyOidcToken(String jwt) {
        if (!oidc.enabled()) {
            return Uni.createFrom().failure(AuthenticationFailure.invalidToken("The access token is invalid: it is "
                    + "not a runcmd token, and no OIDC issuer is configured (runcmd.auth.oidc.issuer)."));
        }
        return oidc.verify(jwt)
                .onFailure(InvalidTokenException.class)
                .transform(invalid -> AuthenticationFailure.invalidToken(invalid.getMessage()))
                .map(Authenticator::verified);
    }

    private static Verified verified(VerifiedToken token) {
        return new Verified(new Caller(token.objectId(), token.name(), token.type(), token.groups(), null, null),
                token.expiresAt());
    }

    private static String bearerToken(String header) {
        if (header == null || header.isBlank()) {
            throw AuthenticationFailure.missingHeader();
        }
        if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw AuthenticationFailure.malformedHeader();
        }
        String token = header.substring(BEARER.length()).strip();
        if (token.isEmpty() || token.length() > 16_384 || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw AuthenticationFailure.malformedHeader();
        }
        return token;
    }

    private static String fingerprint(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException unavailable) {
            throw new IllegalStateException(unavailable);
        }
    }

    private record Verified(Caller caller, Instant expiresAt) {
    }
}
