package dev.runcmd.cli.command;

import dev.runcmd.cli.auth.ClientSecretSource;
import dev.runcmd.cli.auth.CredentialResolver;
import dev.runcmd.cli.auth.DeviceCodeLogin;
import dev.runcmd.cli.auth.OidcClient;
import dev.runcmd.cli.auth.OidcException;
import dev.runcmd.cli.auth.Profile;
import dev.runcmd.cli.auth.ProfileStore;
import dev.runcmd.cli.http.CredentialException;
import dev.runcmd.cli.http.Transport;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code runcmd login}: signs in to a remote control API with an OpenID Connect provider, as an application (the
 * client credentials grant, its secret read from an environment variable or a file) or as a person
 * ({@code --device-code}: the device authorization grant, signing in in a browser), and keeps the login in the
 * profile for later commands.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Sign in to a remote control API through its OpenID Connect provider.",
                "The login is kept in <config dir>/profile.json (RUNCMD_CONFIG_DIR, default ~/.runcmd; mode 0600). Later commands "
                + "use its endpoint and token (renewed when it expires) unless --endpoint, --token or their "
                + "variables say otherwise.",
                "As an application: --client-secret-env VAR or --client-secret-file FILE (the secret is read from "
                        + "there each time, never stored). As a person: --device-code."},
        footerHeading = "%nExamples:%n",
        footer = {"  runcmd login --endpoint https://control.example \\",
                "      --issuer https://idp.example/realms/ops --client-id runcmd-ci \\",
                "      --client-secret-env CI_SECRET --resource urn:runcmd",
                "  runcmd login --endpoint https://control.example \\",
                "      --issuer https://idp.example/realms/ops --client-id runcmd-cli \\",
                "      --device-code        # a person: open the address shown, enter the code",
                "  runcmd login --endpoint https://runcmd.corp.internal \\",
                "      --issuer https://sso.corp.internal --client-id runcmd-ci \\",
                "      --client-secret-file /run/secrets/runcmd --ca-file corp-ca.pem"})
public final class LoginCommand implements Callable<Integer> {

    /** What a person's login asks for when --scope is not given: an id and a refresh token. */
    static final String DEVICE_CODE_DEFAULT_SCOPE = "openid offline_access";

    @Spec CommandSpec spec;

    @Option(names = "--endpoint", required = true, paramLabel = "URL", description = "The control API's base URL.")
    String endpoint;

    @Option(names = "--issuer", required = true, paramLabel = "URL",
            description = "The OIDC issuer; its endpoints are read from <issuer>/.well-known/openid-configuration.")
    String issuer;

    @Option(names = "--client-id", required = true, paramLabel = "ID", description = "The OAuth client id.")
    String clientId;

    @ArgGroup(exclusive = true)
    Secret secret;

    /** Where the client secret is: never on the command line, which other local users can read. */
    static final class Secret {
        @Option(names = "--client-secret-env", paramLabel = "VAR",
                description = "The environment variable holding the client secret.")
        String environmentVariable;

        @Option(names = "--client-secret-file", paramLabel = "FILE", description = "The file holding the client secret.")
        Path file;

        ClientSecretSource source() {
            return new ClientSecretSource(environmentVariable, file == null ? null : file.toAbsolutePath().normalize());
        }
    }

    @Option(names = "--scope", paramLabel = "SCOPE",
            description = "The OAuth scope to ask for (default: none for an application; '" + DEVICE_CODE_DEFAULT_SCOPE
                    + "' for --device-code).")
    String scope;

    @Option(names = {"--resource", "--audience"}, paramLabel = "URI",
            description = "Sent as resource=URI: the API the token is for (e.g. urn:runcmd), when the provider wants it.")
    String resource;

    @Option(names = "--device-code", description = "Sign a person in: print a code to enter in a browser, wait for it.")
    boolean deviceCode;

    @Option(names = "--ca-file", paramLabel = "PEM",
            description = "Also trust these CA certificates for https:// to the control API and the issuer (kept in the profile).")
    Path caFile;

    @Override
    public Integer call() throws Exception {
        if (secret == null && !deviceCode) {
            throw new ParameterException(spec.commandLine(), "An application's login needs its secret: "
                    + "--client-secret-env VAR or --client-secret-file FILE; --device-code signs a person in instead.");
        }
        requireUrl(endpoint, "--endpoint");
        CredentialResolver resolver = CredentialResolver.ofThisProcess();
        Path ca = caFile == null ? null : caFile.toAbsolutePath().normalize();
        OidcClient oidc = new OidcClient(Transport.httpClient(ca));
        ClientSecretSource secretSource = secret == null ? null : secret.source();
        try {
            OidcClient.Provider provider = oidc.discover(issuer);
            String secretValue = secretSource == null ? null : secretSource.read(resolver.env());
            String authMethod = secretValue == null ? null : provider.clientAuthMethod();
            OidcClient.Client client = new OidcClient.Client(clientId, secretValue, authMethod);
            String requested = scope != null ? scope : deviceCode ? DEVICE_CODE_DEFAULT_SCOPE : null;
            OidcClient.TokenResponse tokens = deviceCode
                    ? new DeviceCodeLogin(oidc, Clock.systemUTC(), duration -> Thread.sleep(duration.toMillis()), System.err)
                            .login(provider, client, requested, resource)
                    : oidc.clientCredentials(provider.tokenEndpoint(), client, requested, resource);
            Profile profile = new Profile(endpoint.strip(), ca == null ? null : ca.toString(), issuer, provider.tokenEndpoint(),
                    clientId, deviceCode ? Profile.DEVICE_CODE : Profile.CLIENT_CREDENTIALS, authMethod,
                    secretSource == null ? null : secretSource.environmentVariable(),
                    secretSource == null || secretSource.file() == null ? null : secretSource.file().toString(),
                    requested, resource, null, null, null).withTokens(tokens, Instant.now());
            ProfileStore store = resolver.profiles();
            store.save(profile);
            System.err.println("runcmd: logged in to " + profile.endpoint() + " as client " + clientId
                    + (profile.expiresAt() != null ? "; the token is valid until " + profile.expiresAt() : "")
                    + (profile.refreshToken() != null || secretSource != null ? " and is renewed as needed" : "")
                    + "; profile " + store.file());
            return ExitCodes.OK;
        } catch (OidcException refused) {
            throw new CredentialException("the identity provider refused the login: " + refused.getMessage(), refused);
        }
    }

    private void requireUrl(String value, String option) {
        try {
            URI uri = URI.create(value.strip());
            if (("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) && uri.getHost() != null) {
                return;
            }
        } catch (IllegalArgumentException malformed) {
            // Reported below.
        }
        throw new ParameterException(spec.commandLine(), option + " '" + value + "' is not an http:// or https:// URL");
    }
}
