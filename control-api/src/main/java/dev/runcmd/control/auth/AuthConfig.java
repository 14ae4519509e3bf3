package dev.runcmd.control.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * How callers are authenticated (prefix {@code runcmd.auth}); OIDC providers are configured under
 * {@code runcmd.auth.oidc}.
 */
@ConfigMapping(prefix = "runcmd.auth")
public interface AuthConfig {

    /**
     * A file holding a runcmd token ({@code runcmd-pat.…}) that is made sure, at every start, to exist as a token
     * holding Owner at the root scope {@code /}: how the first administrator gets in ({@code runcmd up} writes one
     * into its data directory). The file should be readable by the control API's user only.
     */
    Optional<String> bootstrapOwnerTokenFile();

    /** Who the activity log and systemData show for the bootstrap owner token. */
    @WithDefault("owner")
    String bootstrapOwnerName();

    /**
     * How long a verified token and a principal's role assignments are remembered. A change made through this
     * replica takes effect at once; one made through another replica within this time.
     */
    @WithDefault("5s")
    Duration cacheTtl();

    /** The most tokens and principals remembered; beyond it the memory starts over. */
    @WithDefault("10000")
    int cacheSize();

    /** The longest lifetime a runcmd token may be created with. */
    @WithDefault("366d")
    Duration maxTokenLifetime();
}
