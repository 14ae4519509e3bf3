package dev.runcmd.control.auth.oidc;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Which OpenID Connect provider's access tokens the control API accepts (prefix {@code runcmd.auth.oidc}), read
 * once at startup. Without an issuer no OIDC token is accepted.
 */
@ConfigMapping(prefix = "runcmd.auth.oidc")
public interface OidcConfig {

    /**
     * The provider's issuer, exactly as its tokens' {@code iss} claim spells it (Keycloak
     * {@code https://sso.example/realms/ops}, Entra ID {@code https://login.microsoftonline.com/<tenant>/v2.0}).
     * Must be {@code https} except on a loopback address. Unset: OIDC is off and every JWT is refused.
     */
    Optional<String> issuer();

    /**
     * Where the provider publishes its signing keys (a JWK set). Unset: the {@code jwks_uri} of
     * {@code <issuer>/.well-known/openid-configuration}, read on the first token (not at startup, so the control API
     * starts while the provider is down). Must be {@code https} except on a loopback address.
     */
    Optional<String> jwksUrl();

    /**
     * The audience every token must name in its {@code aud} claim (Entra ID: the API's application ID URI or client
     * id). Unset: the audience is not checked, and any token of the issuer is accepted, including tokens meant for
     * other applications of the same provider; set it in production.
     */
    Optional<String> audience();

    /** The claims naming the principal's stable id (role assignments name it); the first one present is taken. */
    @WithDefault("oid,sub")
    List<String> principalClaims();

    /** The claims naming the principal for people (activity log, {@code systemData}); the first one present wins. */
    @WithDefault("preferred_username,upn,email,name,azp,client_id,sub")
    List<String> nameClaims();

    /** The claim listing the groups the principal is in (a list of strings, or one string). */
    @WithDefault("groups")
    String groupsClaim();

    /** How far the provider's clock may be from ours when checking {@code exp} and {@code nbf}. */
    @WithDefault("60s")
    Duration clockSkew();
}
