package dev.runcmd.cli.auth;

import dev.runcmd.cli.http.CredentialException;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The device authorization grant (RFC 8628) as a person sees it: the verification URI and user code are printed,
 * and the token endpoint is polled no faster than the provider's {@code interval}, five seconds slower after each
 * {@code slow_down}, until the person signs in, declines, or the code expires.
 */
public final class DeviceCodeLogin {

    /** Waits between polls; the clock it shares with the login tells the codes' expiry. */
    @FunctionalInterface
    public interface Sleeper {
        /** Waits {@code duration}. */
        void sleep(Duration duration) throws InterruptedException;
    }

    /** What RFC 8628 section 3.5 adds to the interval after a {@code slow_down}. */
    static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5);

    private final OidcClient oidc;
    private final Clock clock;
    private final Sleeper sleeper;
    private final PrintStream prompt;

    /** Prints the prompt to {@code prompt} (stderr, so stdout stays clean). */
    public DeviceCodeLogin(OidcClient oidc, Clock clock, Sleeper sleeper, PrintStream prompt) {
        this.oidc = oidc;
        this.clock = clock;
        this.sleeper = sleeper;
        this.prompt = prompt;
    }

    /** Asks for a device code, tells the person where to enter it, and waits for the tokens. */
    public OidcClient.TokenResponse login(OidcClient.Provider provider, OidcClient.Client client, String scope,
                                          String resource)
            throws IOException, InterruptedException, OidcException, CredentialException {
        if (provider.deviceAuthorizationEndpoint() == null) {
            throw new CredentialException("the identity provider's discovery document names no "
                    + "device_authorization_endpoint: it does not offer the device code flow");
        }
        OidcClient.DeviceAuthorization authorization = oidc.authorizeDevice(provider.deviceAuthorizationEndpoint(),
                client, scope, resource);
        prompt.println("runcmd: to sign in, open " + authorization.verificationUri() + " and enter the code "
                + authorization.userCode() + " (valid " + minutes(authorization.expiresIn()) + ")");
        if (authorization.verificationUriComplete() != null) {
            prompt.println("runcmd: or open " + authorization.verificationUriComplete());
        }
        prompt.flush();
        return poll(provider.tokenEndpoint(), client, authorization);
    }

    /** Polls the token endpoint until the tokens come or the authorization ends. */
    OidcClient.TokenResponse poll(String tokenEndpoint, OidcClient.Client client,
                                  OidcClient.DeviceAuthorization authorization)
            throws IOException, InterruptedException, OidcException, CredentialException {
        Instant deadline = clock.instant().plusSeconds(authorization.expiresIn());
        Duration interval = Duration.ofSeconds(Math.max(1, authorization.interval()));
        while (true) {
            sleeper.sleep(interval);
            if (!clock.instant().isBefore(deadline)) {
                throw expired();
            }
            try {
                return oidc.pollDevice(tokenEndpoint, client, authorization.deviceCode());
            } catch (OidcException answer) {
                switch (answer.error()) {
                    case "authorization_pending" -> { }
                    case "slow_down" -> interval = interval.plus(SLOW_DOWN_STEP);
                    case "expired_token" -> throw expired();
                    case "access_denied" -> throw new CredentialException("the sign-in was declined");
                    default -> throw answer;
                }
            }
        }
    }

    private static CredentialException expired() {
        return new CredentialException("the code expired before the sign-in finished; run `runcmd login` again");
    }

    private static String minutes(long seconds) {
        return seconds >= 120 ? seconds / 60 + " minutes" : seconds + " seconds";
    }
}
