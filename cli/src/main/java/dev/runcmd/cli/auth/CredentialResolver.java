package dev.runcmd.cli.auth;

import dev.runcmd.cli.http.Connection;
import dev.runcmd.cli.http.Credential;
import dev.runcmd.cli.http.Transport;
import dev.runcmd.proto.pki.ApiToken;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Decides, once per invocation, where the CLI sends requests and what they present. Each setting is taken from the
 * first of these that has it:
 * <ul>
 *   <li>endpoint: {@code --endpoint}, {@code RUNCMD_ENDPOINT}, the login profile's, {@value #DEFAULT_ENDPOINT};</li>
 *   <li>credential: {@code --token}, {@code RUNCMD_TOKEN}, the login profile when it is for that endpoint, the local
 *       stack's owner token ({@code <data dir>/owner.token}) when the endpoint is on this machine's loopback address
 *       (it never leaves the machine), else none;</li>
 *   <li>extra trusted CAs: {@code --ca-file}, {@code RUNCMD_CA_FILE}, the login profile's when it is for that
 *       endpoint.</li>
 * </ul>
 * The data directory is {@code RUNCMD_DATA_DIR}, else {@code ~/.runcmd/local} ({@code runcmd up}'s default); the
 * profile lives in {@code RUNCMD_CONFIG_DIR}, else {@code ~/.runcmd}.
 */
public final class CredentialResolver {

    /** Where {@code runcmd up} serves the REST API by default. */
    public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:8080";

    private final Map<String, String> env;
    private final Path userHome;
    private final Clock clock;

    /** A resolver reading {@code env} (the process environment, or a test's) with {@code userHome} as {@code ~}. */
    public CredentialResolver(Map<String, String> env, Path userHome, Clock clock) {
        this.env = Map.copyOf(env);
        this.userHome = userHome;
        this.clock = clock;
    }

    /** The resolver of this process: its environment and {@code user.home}. */
    public static CredentialResolver ofThisProcess() {
        return new CredentialResolver(System.getenv(), Path.of(System.getProperty("user.home")), Clock.systemUTC());
    }

    /** The local stack's data directory: {@code RUNCMD_DATA_DIR}, else {@code ~/.runcmd/local}. */
    public Path dataDir() {
        return path("RUNCMD_DATA_DIR").orElse(userHome.resolve(".runcmd").resolve("local"));
    }

    /** Where the login profile lives: {@code RUNCMD_CONFIG_DIR}, else {@code ~/.runcmd}. */
    public Path configDir() {
        return path("RUNCMD_CONFIG_DIR").orElse(userHome.resolve(".runcmd"));
    }

    public ProfileStore profiles() {
        return new ProfileStore(configDir());
    }

    /** The environment this resolver reads (client secrets are read from it, by name). */
    public Map<String, String> env() {
        return env;
    }

    /**
     * The connection for these flags (each null when not given). Reads the login profile and the owner token file
     * only when an earlier source did not decide; IOException naming the file when one of them is unreadable.
     *
     * @param trace where {@code --verbose} prints each request, or null
     */
    public Connection resolve(String endpointFlag, String tokenFlag, Path caFileFlag, PrintStream trace)
            throws IOException {
        String endpoint = first(endpointFlag, env.get("RUNCMD_ENDPOINT"));
        Path caFile = caFileFlag != null ? caFileFlag : path("RUNCMD_CA_FILE").orElse(null);
        boolean tokenGiven = hasText(tokenFlag) || hasText(env.get("RUNCMD_TOKEN"));
        Optional<Profile> profile = endpoint == null || !tokenGiven || caFile == null ? profiles().load()
                : Optional.empty();
        if (endpoint == null) {
            endpoint = profile.map(Profile::endpoint).orElse(DEFAULT_ENDPOINT);
        }
        String inUse = endpoint;
        Optional<Profile> matching = profile.filter(p -> Endpoints.same(p.endpoint(), inUse));
        if (caFile == null) {
            caFile = matching.map(Profile::caFile).map(Path::of).orElse(null);
        }
        HttpClient http = Transport.httpClient(caFile);
        return new Connection(endpoint, credential(tokenFlag, endpoint, matching, http), http,
                UUID.randomUUID().toString(), trace);
    }

    private Credential credential(String tokenFlag, String endpoint, Optional<Profile> matching, HttpClient http)
            throws IOException {
        if (hasText(tokenFlag)) {
            return Credential.bearer(tokenFlag.strip(), "--token");
        }
        if (hasText(env.get("RUNCMD_TOKEN"))) {
            return Credential.bearer(env.get("RUNCMD_TOKEN").strip(), "RUNCMD_TOKEN");
        }
        if (matching.isPresent()) {
            return new OidcCredential(profiles(), matching.get(), new OidcClient(http), env, clock);
        }
        if (Endpoints.isLocal(endpoint)) {
            Optional<ApiToken> owner = OwnerToken.read(dataDir());
            if (owner.isPresent()) {
                return Credential.bearer(owner.get().text(), "the local stack's owner token "
                        + OwnerToken.file(dataDir()));
            }
        }
        return Credential.none();
    }

    private Optional<Path> path(String variable) {
        return Optional.ofNullable(env.get(variable)).filter(CredentialResolver::hasText).map(Path::of);
    }

    private static String first(String flag, String variable) {
        return hasText(flag) ? flag.strip() : hasText(variable) ? variable.strip() : null;
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}
