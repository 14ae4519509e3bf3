package dev.runcmd.cli.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The few OpenID Connect / OAuth 2.0 requests the CLI makes: discovery, the client credentials grant, the device
 * authorization grant (RFC 8628) and the refresh token grant. Hand-written because they are four form POSTs and a
 * GET on the JDK's HTTP client, which the CLI already uses; a library would bring more than it saves.
 *
 * <p>Endpoints must be {@code https://}, or {@code http://} on this machine's loopback address (a test provider):
 * client secrets and tokens cross them.
 */
public final class OidcClient {

    /** The device authorization grant's type (RFC 8628 section 3.4). */
    public static final String DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;

    public OidcClient(HttpClient http) {
        this.http = http;
    }

    /**
     * An identity provider's endpoints, from its discovery document.
     *
     * @param tokenEndpoint where tokens are obtained
     * @param deviceAuthorizationEndpoint where a device code is obtained, or null if the provider has none
     * @param authMethods the {@code token_endpoint_auth_methods_supported}, empty when the document names none
     */
    public record Provider(String tokenEndpoint, String deviceAuthorizationEndpoint, List<String> authMethods) {

        /**
         * How a confidential client authenticates here: {@code client_secret_basic} (HTTP Basic, what OAuth servers
         * must support and OpenID Connect's default when the document names no method) unless the provider lists
         * {@code client_secret_post} without it.
         */
        public String clientAuthMethod() {
            return authMethods.isEmpty() || authMethods.contains("client_secret_basic") || !authMethods.contains("client_secret_post")
                    ? "client_secret_basic" : "client_secret_post";
        }
    }

    /**
     * The OAuth client making a request.
     *
     * @param clientId its id
     * @param secret its secret, or null for a public client
     * @param authMethod {@code client_secret_basic} or {@code client_secret_post}; ignored without a secret
     */
    public record Client(String clientId, String secret, String authMethod) {
        /** Never the secret. */
        @Override
        public String toString() {
            return "Client[" + clientId + "]";
        }
    }

    /**
     * A token endpoint's answer.
     *
     * @param accessToken the access token
     * @param refreshToken a refresh token, or null
     * @param expiresIn the access token's lifetime in seconds, or null if not given
     */
    public record TokenResponse(String accessToken, String refreshToken, Long expiresIn) {

        /** When the access token expires: from {@code expires_in}, else its JWT {@code exp}; null if neither says. */
        public Instant expiry(Instant now) {
            if (expiresIn != null) {
                return now.plusSeconds(expiresIn);
            }
            return jwtExpiry(accessToken);
        }

        /** Never the tokens. */
        @Override
        public String toString() {
            return "TokenResponse[expiresIn=" + expiresIn + ", refreshToken=" + (refreshToken != null) + "]";
        }
    }

    /**
     * A device authorization answer (RFC 8628 section 3.2).
     *
     * @param deviceCode what the token endpoint is polled with
     * @param userCode what the person types at the verification URI
     * @param verificationUri where the person signs in
     * @param verificationUriComplete the same with the code filled in, or null
     * @param expiresIn how long the codes are valid, in seconds
     * @param interval the least number of seconds between polls (5 when not given)
     */
    public record DeviceAuthorization(String deviceCode, String userCode, String verificationUri,
                                      String verificationUriComplete, long expiresIn, long interval) {
        /** Never the device code. */
        @Override
        public String toString() {
            return "DeviceAuthorization[userCode=" + userCode + ", verificationUri=" + verificationUri + "]";
        }
    }

    /** Reads {@code {issuer}/.well-known/openid-configuration}. */
    public Provider discover(String issuer) throws IOException, InterruptedException, OidcException {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        URI uri = requireSecure(base + "/.well-known/openid-configuration", "the issuer");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json").GET().build();
        JsonNode document = answer(send(request, uri), "the discovery document " + uri);
        String tokenEndpoint = document.path("token_endpoint").asText(null);
        if (tokenEndpoint == null) {
            throw new OidcException("invalid_discovery", "the discovery document " + uri + " names no token_endpoint");
        }
        requireSecure(tokenEndpoint, "the token endpoint");
        String deviceEndpoint = document.path("device_authorization_endpoint").asText(null);
        if (deviceEndpoint != null) {
            requireSecure(deviceEndpoint, "the device authorization endpoint");
        }
        List<String> methods = new ArrayList<>();
        document.path("token_endpoint_auth_methods_supported").forEach(method -> methods.add(method.asText()));
        return new Provider(tokenEndpoint, deviceEndpoint, List.copyOf(methods));
    }

    /** The client credentials grant: the client's own token. */
    public TokenResponse clientCredentials(String tokenEndpoint, Client client, String scope, String resource)
            throws IOException, InterruptedException, OidcException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        putIfPresent(form, "scope", scope);
        putIfPresent(form, "resource", resource);
        return token(tokenEndpoint, client, form);
    }

    /** The refresh token grant. */
    public TokenResponse refresh(String tokenEndpoint, Client client, String refreshToken, String resource)
            throws IOException, InterruptedException, OidcException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        putIfPresent(form, "resource", resource);
        return token(tokenEndpoint, client, form);
    }

    /** Starts a device authorization (RFC 8628 section 3.1). */
    public DeviceAuthorization authorizeDevice(String deviceEndpoint, Client client, String scope, String resource)
            throws IOException, InterruptedException, OidcException {
        Map<String, String> form = new LinkedHashMap<>();
        putIfPresent(form, "scope", scope);
        putIfPresent(form, "resource", resource);
        JsonNode answer = post(deviceEndpoint, client, form, "the device authorization endpoint");
        String deviceCode = answer.path("device_code").asText(null);
        String userCode = answer.path("user_code").asText(null);
        // "verification_url" is what some providers wrote before RFC 8628 settled on "verification_uri".
        String verificationUri = answer.path("verification_uri").asText(answer.path("verification_url").asText(null));
        if (deviceCode == null || userCode == null || verificationUri == null) {
            throw new OidcException("invalid_response", "the device authorization answer lacks device_code, user_code "
                    + "or verification_uri");
        }
        return new DeviceAuthorization(deviceCode, userCode, verificationUri,
                answer.path("verification_uri_complete").asText(null), answer.path("expires_in").asLong(600),
                answer.path("interval").asLong(5));
    }

    /**
     * One poll of the token endpoint for a device code (RFC 8628 section 3.4): the tokens, or an OidcException whose
     * {@link OidcException#error()} is {@code authorization_pending}, {@code slow_down}, {@code access_denied},
     * {@code expired_token} or another error.
     */
    public TokenResponse pollDevice(String tokenEndpoint, Client client, String deviceCode)
            throws IOException, InterruptedException, OidcException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", DEVICE_CODE_GRANT);
        form.put("device_code", deviceCode);
        return token(tokenEndpoint, client, form);
    }

    private TokenResponse token(String tokenEndpoint, Client client, Map<String, String> form)
            throws IOException, InterruptedException, OidcException {
        JsonNode answer = post(tokenEndpoint, client, form, "the token endpoint");
        String accessToken = answer.path("access_token").asText(null);
        if (accessToken == null || accessToken.isEmpty()) {
            throw new OidcException("invalid_response", "the token endpoint's answer holds no access_token");
        }
        String tokenType = answer.path("token_type").asText("Bearer");
        if (!tokenType.equalsIgnoreCase("Bearer")) {
            throw new OidcException("invalid_response", "the token endpoint issued a '" + tokenType
                    + "' token; the control API takes Bearer tokens");
        }
        return new TokenResponse(accessToken, answer.path("refresh_token").asText(null),
                answer.hasNonNull("expires_in") ? answer.path("expires_in").asLong() : null);
    }

    /** POSTs a form with the client's authentication; answers the JSON body of a 2xx answer. */
    private JsonNode post(String endpoint, Client client, Map<String, String> form, String what)
            throws IOException, InterruptedException, OidcException {
        URI uri = requireSecure(endpoint, what);
        Map<String, String> fields = new LinkedHashMap<>(form);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        if (client.secret() != null && "client_secret_basic".equals(client.authMethod())) {
            // RFC 6749 section 2.3.1: id and secret are form-encoded, then joined and base64-encoded.
            String pair = formEncode(client.clientId()) + ":" + formEncode(client.secret());
            builder.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else {
            fields.put("client_id", client.clientId());
            putIfPresent(fields, "client_secret", client.secret());
        }
        StringJoiner body = new StringJoiner("&");
        fields.forEach((name, value) -> body.add(formEncode(name) + "=" + formEncode(value)));
        HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return answer(send(request, uri), what);
    }

    private HttpResponse<byte[]> send(HttpRequest request, URI uri) throws IOException, InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new IOException("cannot reach the identity provider at " + uri.getScheme() + "://" + uri.getAuthority(), e);
        }
    }

    private static JsonNode answer(HttpResponse<byte[]> response, String what) throws OidcException {
        JsonNode body;
        try {
            body = response.body().length == 0 ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException notJson) {
            body = JSON.nullNode();
        }
        if (response.statusCode() >= 200 && response.statusCode() < 300 && body.isObject()) {
            return body;
        }
        if (body.hasNonNull("error")) {
            throw new OidcException(body.path("error").asText(), body.path("error_description").asText(null));
        }
        throw new OidcException("HTTP" + response.statusCode(), what + " answered HTTP " + response.statusCode()
                + (response.statusCode() < 300 ? " without a JSON object" : ""));
    }

    /** The URI, if it is https or http on loopback; OidcException otherwise (secrets would cross it in clear). */
    static URI requireSecure(String url, String what) throws OidcException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new OidcException("invalid_request", what + " '" + url + "' is not a URL");
        }
        if ("https".equalsIgnoreCase(uri.getScheme())
                || ("http".equalsIgnoreCase(uri.getScheme()) && Endpoints.isLoopback(uri.getHost()))) {
            return uri;
        }
        throw new OidcException("invalid_request", what + " '" + url + "' must be https:// (http:// only on this machine's "
                + "loopback address): client secrets and tokens cross it");
    }

    private static void putIfPresent(Map<String, String> form, String name, String value) {
        if (value != null && !value.isBlank()) {
            form.put(name, value);
        }
    }

    private static String formEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A JWT's {@code exp} claim, or null when the token is not a JWT or has none. Reads, never verifies. */
    static Instant jwtExpiry(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return claims.path("exp").canConvertToLong() ? Instant.ofEpochSecond(claims.path("exp").asLong()) : null;
        } catch (IOException | IllegalArgumentException notJwt) {
            return null;
        }
    }
}
