package dev.runcmd.control.secrets;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/**
 * The key that encrypts secrets at rest (prefix {@code runcmd.secrets}), read once at startup.
 *
 * <p>The same key must be given to every gateway, which decrypts the secrets just before it sends a Run to an
 * agent. It is optional here only so that {@link Secrets} can refuse a missing key with a message that says what
 * to do, instead of a generic "missing property" error.
 */
@ConfigMapping(prefix = "runcmd.secrets")
public interface SecretsConfig {

    /** 32 random bytes, base64 ({@code runcmd.secrets.key}, environment variable {@code RUNCMD_SECRETS_KEY}). */
    Optional<String> key();
}
