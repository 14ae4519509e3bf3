package dev.runcmd.control.auth.oidc;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Verifies OIDC access tokens (JWTs) of the one configured provider ({@link OidcConfig}): signature with the keys the
 * issuer publishes, issuer, expiry and not-before (with the configured clock skew), audience when configured; then
 * reads who the token speaks for.
 *
 * <p>The provider is first asked on the first token, not at startup: the control API starts while the provider is
 * down. Discovery that fails is not remembered; the next token tries again, and tokens arriving meanwhile wait for
 * the attempt under way instead of starting their own. Keys are cached by smallrye-jwt and read again when a token
 * names a key id not in the cache (key rotation).
 *
 * <p>Thread-safe. {@link #verify} never blocks its caller: discovery, key fetches and signature checks run on a
 * worker thread, and the result is delivered on the caller's Vert.x context when it has one.
 */
@ApplicationScoped
public class OidcVerifier {

    private static final Logger LOG = Logger.getLogger(OidcVerifier.class);

    private final Optional<String> issuer;
    private final Optional<String> keysUrl;
    private final OidcConfig config;
    private final PrincipalClaims principals;
    private final AtomicReference<CompletableFuture<IssuerTokenParser>> parser = new AtomicReference<>();
    private final AtomicBoolean unavailable = new AtomicBoolean();

    OidcVerifier(OidcConfig config) {
        config.issuer().ifPresent(url -> Discovery.requireSecure(url, "runcmd.auth.oidc.issuer"));
        config.jwksUrl().ifPresent(url -> Discovery.requireSecure(url, "runcmd.auth.oidc.jwks-url"));
        if (config.clockSkew().isNegative()) {
            throw new IllegalArgumentException("runcmd.auth.oidc.clock-skew must not be negative");
        }
        this.issuer = config.issuer();
        this.keysUrl = config.jwksUrl();
        this.config = config;
        this.principals = new PrincipalClaims(config.principalClaims(), config.nameClaims(), config.groupsClaim());
    }

    /** Whether an issuer is configured; when not, every JWT is refused. */
    public boolean enabled() {
        return issuer.isPresent();
    }

    /**
     * Verifies signature (JWKS), issuer, expiry (with small clock skew), audience if configured; never blocks the
     * caller's thread.
     *
     * @return the token's principal, or a failure: {@link InvalidTokenException} when the token is refused (its
     *         message says why, for the caller), {@link OidcUnavailableException} when the provider could not be
     *         asked for its configuration or keys
     */
    public Uni<VerifiedToken> verify(String jwt) {
        Context caller = Vertx.currentContext();
        Uni<VerifiedToken> verified = Uni.createFrom().item(() -> verifyNow(jwt))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        return caller == null ? verified : verified.emitOn(task -> caller.runOnContext(ignored -> task.run()));
    }

    private VerifiedToken verifyNow(String jwt) {
        if (issuer.isEmpty()) {
            throw new InvalidTokenException("OIDC access tokens are not accepted here (no issuer is configured)");
        }
        TokenForm.check(jwt, issuer.get());
        try {
            VerifiedToken token = principals.read(parser().verify(jwt));
            if (unavailable.compareAndSet(true, false)) {
                LOG.infof("OIDC provider %s answers again", issuer.get());
            }
            return token;
        } catch (OidcUnavailableException e) {
            if (unavailable.compareAndSet(false, true)) {
                LOG.warnf("OIDC provider %s cannot be asked for its configuration or keys; tokens are answered as"
                        + " unavailable and it is asked again on every token: %s", issuer.get(), rootCause(e));
            }
            throw e;
        }
    }

    /** The issuer's token parser, after discovery; blocks until the discovery under way (or a new one) ends. */
    private IssuerTokenParser parser() {
        CompletableFuture<IssuerTokenParser> attempt = parser.get();
        if (attempt == null || attempt.isCompletedExceptionally()) {
            CompletableFuture<IssuerTokenParser> fresh = new CompletableFuture<>();
            if (parser.compareAndSet(attempt, fresh)) {
                discover(fresh);
            }
            attempt = parser.get();
        }
        try {
            return attempt.join();
        } catch (CompletionException e) {
            throw (OidcUnavailableException) e.getCause();
        }
    }

    private void discover(CompletableFuture<IssuerTokenParser> result) {
        try {
            String keys = keysUrl.isPresent() ? keysUrl.get() : Discovery.keysUrl(issuer.get());
            result.complete(new IssuerTokenParser(issuer.get(), keys, config.audience(), config.clockSkew()));
            LOG.infof("OIDC provider %s publishes its signing keys at %s", issuer.get(), keys);
        } catch (IOException | IllegalArgumentException e) {
            result.completeExceptionally(unreachable(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.completeExceptionally(unreachable(e));
        }
    }

    private static OidcUnavailableException unreachable(Exception cause) {
        return new OidcUnavailableException("The identity provider cannot be reached; try again later", cause);
    }

    private static String rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.toString();
    }
}
