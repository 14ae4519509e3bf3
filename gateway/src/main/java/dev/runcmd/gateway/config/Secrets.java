package dev.runcmd.gateway.config;

import dev.runcmd.proto.secrets.SecretBox;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Opens the secrets control-api sealed at rest (protected parameters, runAsPassword, blob URLs), just before a
 * Run leaves for an agent. The key ({@code runcmd.secrets.key}, env {@code RUNCMD_SECRETS_KEY}) must
 * be control-api's; without a valid one the gateway does not start.
 */
@Startup
@Singleton
public final class Secrets {

    private final SecretBox box;

    public Secrets(@ConfigProperty(name = "runcmd.secrets.key") Optional<String> key) {
        this.box = SecretBox.fromBase64Key(key.orElse(null));
    }

    /** Seals a value for storage (the CA's private key when this gateway creates the CA). */
    public String seal(String plain) {
        return box.seal(plain);
    }

    /** The plain text of a sealed value; null stays null. */
    public String open(String sealed) {
        return sealed == null ? null : box.open(sealed);
    }

    /** The plain text of a value sealed since an earlier version kept it plain (see {@link SecretBox#openIfSealed}). */
    public String openIfSealed(String stored) {
        return box.openIfSealed(stored);
    }
}
