package dev.runcmd.control.auth.oidc;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Placeholder until the OIDC verifier lands: refuses every JWT. */
@ApplicationScoped
public class OidcVerifier {

    public boolean enabled() {
        return false;
    }

    public Uni<VerifiedToken> verify(String jwt) {
        return Uni.createFrom().failure(new InvalidTokenException("OIDC access tokens are not accepted: no issuer is configured"));
    }
}
