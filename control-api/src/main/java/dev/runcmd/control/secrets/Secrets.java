package dev.runcmd.control.secrets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runcmd.control.runcommand.Parameter;
import dev.runcmd.proto.secrets.SecretBox;
import io.quarkus.runtime.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Seals protected parameters, run-as passwords, blob URLs and the runcmd CA's private key before they are stored, and
 * opens them again when a PATCH merges into a stored definition (or the CA is loaded). The stored form is {@link SecretBox}'s ({@code v1:<iv>:<ciphertext>}): a
 * sealed JSON array {@code [{"name","value"}]} for parameters, the sealed text for a password. Nothing is sealed
 * for an empty list or an absent password; the column is then null.
 *
 * <p>Created at startup: a missing or malformed key stops the application with a message that names the setting.
 * Thread-safe. Never logs a value.
 */
@Startup
@Singleton
public class Secrets {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<List<Parameter>> PARAMETERS = new TypeReference<>() {
    };

    private final SecretBox box;

    @Inject
    Secrets(SecretsConfig config) {
        this(config.key().orElse(null));
    }

    /**
     * A box for a base64 key of 32 bytes.
     *
     * @throws IllegalStateException naming the setting and the problem (never the key) when it is not one
     */
    public Secrets(String base64Key) {
        try {
            this.box = SecretBox.fromBase64Key(base64Key);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage() + " (set runcmd.secrets.key or the environment variable "
                    + "RUNCMD_SECRETS_KEY; every gateway needs the same key)");
        }
    }

    /** The sealed JSON array of the parameters, or null when there are none. */
    public String sealParameters(List<Parameter> parameters) {
        if (parameters.isEmpty()) {
            return null;
        }
        try {
            return box.seal(MAPPER.writeValueAsString(parameters));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write protected parameters as JSON");
        }
    }

    /** The parameters of a sealed JSON array; empty for null. */
    public List<Parameter> openParameters(String sealed) {
        if (sealed == null) {
            return List.of();
        }
        try {
            return List.copyOf(MAPPER.readValue(box.open(sealed), PARAMETERS));
        } catch (JsonProcessingException e) {
            // The message never repeats the decrypted text.
            throw new IllegalStateException("Sealed protected parameters are not a JSON array of {name, value}");
        }
    }

    /** The sealed password, or null when there is none. */
    public String sealPassword(String password) {
        return password == null ? null : box.seal(password);
    }

    /** The sealed URL (an output or error blob URL, which carries its SAS token), or null when there is none. */
    public String sealUrl(String url) {
        return url == null ? null : box.seal(url);
    }

    /** The URL of a sealed one; a URL stored in plain text by an earlier version is returned as it is. */
    public String openUrl(String stored) {
        return box.openIfSealed(stored);
    }

    /** The password of a sealed one, or null for null. */
    public String openPassword(String sealed) {
        return sealed == null ? null : box.open(sealed);
    }

    /** The sealed PEM text of a private key (the runcmd CA's; the gateways open it with the same key). */
    public String sealPrivateKey(String pem) {
        return box.seal(pem);
    }

    /**
     * The PEM text of a sealed private key.
     *
     * @throws IllegalStateException naming the setting when it was sealed under another {@code runcmd.secrets.key}
     *     or is malformed
     */
    public String openPrivateKey(String sealed) {
        try {
            return box.open(sealed);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("The runcmd CA's private key in the database cannot be opened: "
                    + e.getMessage() + " (runcmd.secrets.key must be the same for the control API and every gateway)");
        }
    }
}
