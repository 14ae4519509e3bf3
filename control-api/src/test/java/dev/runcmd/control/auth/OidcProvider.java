package dev.runcmd.control.auth;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenID Connect provider for tests: the certified {@code oidc-provider} package from the npm registry,
 * installed into {@code control-api/target/oidc-provider} on first use and run by node
 * ({@code src/test/resources/oidc/provider.mjs}) on 127.0.0.1. It issues JWT access tokens (RS256, audience
 * {@link #AUDIENCE}) to its clients through the client credentials grant, over HTTP, as it would to a CI job.
 *
 * <p>Every start signs with a new key: {@link #restart()} is a key rotation, {@link #impostorOf} a provider that
 * claims another's issuer with a key of its own. Thread-safe for {@link #token}.
 */
public final class OidcProvider implements AutoCloseable {

    /** The audience (resource) of access tokens unless a token request names another. */
    public static final String AUDIENCE = "urn:runcmd";

    private static final String PACKAGE = "oidc-provider@8";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * A confidential client and the access tokens it gets.
     *
     * @param clientId its id; also the {@code sub} and {@code client_id} of its tokens unless {@code claims} say
     *        otherwise
     * @param secret its secret
     * @param ttl how long its tokens last from their issue time ({@code exp} - {@code iat})
     * @param age how long ago its tokens say they were issued ({@code iat}); beyond {@code ttl} they are expired
     *        when they are handed out
     * @param notBefore when given, its tokens' {@code nbf} is this long after their issue time
     * @param claims claims set on every token of the client, overriding standard ones ({@code sub}, ...)
     */
    public record Client(String clientId, String secret, Duration ttl, Duration age, Duration notBefore,
            Map<String, Object> claims) {

        /** A client whose tokens are issued now, last 5 minutes and carry {@code claims}. */
        public static Client of(String clientId, Map<String, Object> claims) {
            return new Client(clientId, clientId + "-secret", Duration.ofMinutes(5), Duration.ZERO, null, claims);
        }

        /** The same client with tokens lasting {@code ttl} (at least a second). */
        public Client withTtl(Duration ttl) {
            return new Client(clientId, secret, ttl, age, notBefore, claims);
        }

        /** The same client with tokens dated {@code age} ago: expired ones when the age exceeds the ttl. */
        public Client withAge(Duration age) {
            return new Client(clientId, secret, ttl, age, notBefore, claims);
        }

        /** The same client with tokens not valid before {@code notBefore} after their issue time. */
        public Client withNotBefore(Duration notBefore) {
            return new Client(clientId, secret, ttl, age, notBefore, claims);
        }
    }

    private final List<Client> clients;
    private final int port;
    private final String issuer;
    private final Process process;

    private OidcProvider(List<Client> clients, int port, String issuer, Process process) {
        this.clients = clients;
        this.port = port;
        this.issuer = issuer;
        this.process = process;
    }

    /** Installs the package (once) and starts a provider for these clients on a free port; waits until it listens. */
    public static OidcProvider start(List<Client> clients) {
        return start(clients, freePort());
    }

    /** Starts a provider on {@code port}, its issuer {@code http://127.0.0.1:<port>}. */
    public static OidcProvider start(List<Client> clients, int port) {
        return start(clients, port, "http://127.0.0.1:" + port);
    }

    /**
     * A provider on another port that claims {@code genuine}'s issuer and knows its clients, but signs with a key of
     * its own: its tokens name the right issuer and a key the genuine provider does not publish.
     */
    public static OidcProvider impostorOf(OidcProvider genuine) {
        return start(genuine.clients, freePort(), genuine.issuer);
    }

    /** Stops this provider and starts it again on the same port with the same clients and a new signing key. */
    public OidcProvider restart() {
        close();
        return start(clients, port, issuer);
    }

    /** The issuer, as the {@code iss} of its tokens and the base of its discovery document. */
    public String issuer() {
        return issuer;
    }

    /** The port it listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** A fresh access token of the client, for {@link #AUDIENCE}. */
    public String token(String clientId) {
        return token(clientId, AUDIENCE);
    }

    /** A fresh access token of the client for {@code resource}, which becomes its audience. */
    public String token(String clientId, String resource) {
        Client client = clients.stream().filter(c -> c.clientId().equals(clientId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no client " + clientId));
        String basic = Base64.getEncoder().encodeToString((client.clientId() + ":" + client.secret())
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/token"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&resource="
                        + URLEncoder.encode(resource, StandardCharsets.UTF_8)))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("token request for " + clientId + ": HTTP " + response.statusCode() + " "
                        + response.body());
            }
            return JSON.readTree(response.body()).path("access_token").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A port free on 127.0.0.1 now (for a provider started later, or none at all). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static OidcProvider start(List<Client> clients, int port, String issuer) {
        try {
            Path home = install();
            Path clientsFile = Files.createTempFile(home, "clients-", ".json");
            JSON.writeValue(clientsFile.toFile(), clients.stream().map(OidcProvider::json).toList());
            Path log = home.resolve("provider-" + port + ".log");
            Process process = new ProcessBuilder("node", home.resolve("provider.mjs").toString(),
                    Integer.toString(port), clientsFile.toString(), issuer)
                    .directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            OidcProvider provider = new OidcProvider(List.copyOf(clients), port, issuer, process);
            try {
                awaitReady(process, log);
            } finally {
                Files.deleteIfExists(clientsFile);
            }
            return provider;
        } catch (IOException e) {
            throw new UncheckedIOException("oidc-provider did not start", e);
        }
    }

    private static void awaitReady(Process process, Path log) {
        await("oidc-provider to listen (" + log + ")").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("oidc-provider exited " + process.exitValue() + ": "
                                + Files.readString(log));
                    }
                    return Files.readString(log).contains("oidc-provider ready");
                });
    }

    private static Map<String, Object> json(Client client) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("clientId", client.clientId());
        json.put("secret", client.secret());
        json.put("ttlSeconds", client.ttl().toSeconds());
        json.put("ageSeconds", client.age().toSeconds());
        if (client.notBefore() != null) {
            json.put("notBeforeSeconds", client.notBefore().toSeconds());
        }
        json.put("claims", client.claims());
        return json;
    }

    /** Installs the npm package into target/oidc-provider once, and the script beside it on every start. */
    private static synchronized Path install() throws IOException {
        Path home = targetDirectory().resolve("oidc-provider");
        if (!Files.exists(home.resolve("node_modules/oidc-provider/package.json"))) {
            Files.createDirectories(home);
            Path npmLog = home.resolve("npm-install.log");
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", home.toString(),
                    PACKAGE).redirectErrorStream(true).redirectOutput(npmLog.toFile()).start();
            try {
                if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                    npm.destroyForcibly();
                    throw new IOException("npm install " + PACKAGE + " failed; see " + npmLog);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while installing " + PACKAGE, e);
            }
        }
        try (InputStream script = OidcProvider.class.getResourceAsStream("/oidc/provider.mjs")) {
            Files.copy(script, home.resolve("provider.mjs"), StandardCopyOption.REPLACE_EXISTING);
        }
        return home;
    }

    /** The module's target directory: the parent of the test classes directory. */
    private static Path targetDirectory() {
        try {
            return Path.of(OidcProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
