package dev.runcmd.control.auth.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * OpenID Connect discovery of where an issuer publishes its signing keys: the {@code jwks_uri} of
 * {@code <issuer>/.well-known/openid-configuration}, checked to come from that issuer. Blocking (HTTP): worker
 * threads only.
 */
final class Discovery {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** The largest discovery document read; real ones are a few KB. */
    private static final int MAX_DOCUMENT_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private Discovery() {
    }

    /**
     * The issuer's JWK set URL, read from its discovery document now.
     *
     * @throws IOException when the document cannot be read, is not JSON, names another issuer or no usable
     *         {@code jwks_uri}
     */
    static String keysUrl(String issuer) throws IOException, InterruptedException {
        URI document = URI.create(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration");
        HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(document).timeout(TIMEOUT)
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        JsonNode metadata;
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException(document + " answered HTTP " + response.statusCode());
            }
            metadata = JSON.readTree(body.readNBytes(MAX_DOCUMENT_BYTES));
        }
        if (!issuer.equals(metadata.path("issuer").asText(null))) {
            throw new IOException(document + " names the issuer '" + metadata.path("issuer").asText("")
                    + "', not the configured '" + issuer + "'");
        }
        String keysUrl = metadata.path("jwks_uri").asText(null);
        if (keysUrl == null) {
            throw new IOException(document + " has no jwks_uri");
        }
        requireSecure(keysUrl, "the discovered jwks_uri");
        return keysUrl;
    }

    /**
     * Refuses a URL that is neither {@code https} nor {@code http} to a loopback address: signing keys read over
     * plain HTTP across a network could be anyone's.
     *
     * @throws IllegalArgumentException naming {@code what} when the URL is refused
     */
    static void requireSecure(String url, String what) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " '" + url + "' is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http") && isLoopback(uri.getHost()))) {
            throw new IllegalArgumentException(what + " '" + url + "' must be an https URL (plain http only on a"
                    + " loopback address)");
        }
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        boolean literal = host.startsWith("[") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        try {
            // An address literal is parsed, never looked up; a name other than localhost is not loopback here.
            return literal && InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
