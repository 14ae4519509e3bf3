package dev.runcmd.cli.auth;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A login ({@code runcmd login}): which control API it is for, how to get a new access token from the identity
 * provider, and the tokens it holds. Stored as {@code profile.json} by {@link ProfileStore}; never holds a client
 * secret, only where to read it (an environment variable's name or a file's path).
 *
 * @param endpoint the control API's base URL this login is for (commands use it when no other is given)
 * @param caFile a PEM file of CA certificates also trusted for {@code endpoint}, or null
 * @param issuer the OIDC issuer
 * @param tokenEndpoint the issuer's token endpoint (discovered at login)
 * @param clientId the OAuth client id
 * @param grant {@link #CLIENT_CREDENTIALS} or {@link #DEVICE_CODE}: how the login was made
 * @param clientAuthMethod {@code client_secret_basic} or {@code client_secret_post}, or null for a public client
 * @param clientSecretEnv the environment variable holding the client secret, or null
 * @param clientSecretFile the file holding the client secret, or null
 * @param scope the OAuth scope requested, or null
 * @param resource the {@code resource} parameter sent (the API's audience), or null
 * @param accessToken the current access token
 * @param refreshToken the refresh token, or null
 * @param expiresAt when {@code accessToken} expires (ISO-8601), or null if unknown
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Profile(String endpoint, String caFile, String issuer, String tokenEndpoint, String clientId,
                      String grant, String clientAuthMethod, String clientSecretEnv, String clientSecretFile,
                      String scope, String resource, String accessToken, String refreshToken, String expiresAt) {

    /** The OAuth 2.0 client credentials grant: an application's own identity. */
    public static final String CLIENT_CREDENTIALS = "client_credentials";
    /** The device authorization grant (RFC 8628): a person signs in in a browser. */
    public static final String DEVICE_CODE = "device_code";

    /** The same login holding newly issued tokens; a missing refresh token keeps the previous one. */
    public Profile withTokens(OidcClient.TokenResponse tokens, Instant now) {
        Instant expiry = tokens.expiry(now);
        return new Profile(endpoint, caFile, issuer, tokenEndpoint, clientId, grant, clientAuthMethod,
                clientSecretEnv, clientSecretFile, scope, resource, tokens.accessToken(),
                tokens.refreshToken() != null ? tokens.refreshToken() : refreshToken,
                expiry == null ? null : expiry.truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** When the access token expires, or null if unknown. */
    public Instant expiry() {
        return expiresAt == null ? null : Instant.parse(expiresAt);
    }

    /** Where the client secret is read from, or null for a public client. */
    public ClientSecretSource clientSecret() {
        return clientSecretEnv == null && clientSecretFile == null ? null
                : new ClientSecretSource(clientSecretEnv, clientSecretFile == null ? null : Path.of(clientSecretFile));
    }

    /** Never the tokens. */
    @Override
    public String toString() {
        return "Profile[endpoint=" + endpoint + ", issuer=" + issuer + ", clientId=" + clientId + ", grant=" + grant
                + ", expiresAt=" + expiresAt + "]";
    }
}
