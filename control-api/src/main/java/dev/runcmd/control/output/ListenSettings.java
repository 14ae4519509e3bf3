package dev.runcmd.control.output;

import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The connection of the one LISTEN session per process, built once from the datasource settings the pool uses:
 * {@code quarkus.datasource.reactive.url} (host, port, database) and {@code quarkus.datasource.username} /
 * {@code password}.
 */
@ApplicationScoped
public class ListenSettings {

    private final PgConnectOptions options;

    ListenSettings(@ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        PgConnectOptions parsed = PgConnectOptions.fromUri(firstHost(url.replaceFirst("^vertx-reactive:", "")));
        username.ifPresent(parsed::setUser);
        password.ifPresent(parsed::setPassword);
        this.options = parsed;
    }

    /** A copy of the connect options (they are mutable). */
    public PgConnectOptions connectOptions() {
        return new PgConnectOptions(options);
    }

    /** The URL with only its first host when it lists several ({@code postgresql://a:5432,b:5432/db}). */
    private static String firstHost(String url) {
        int scheme = url.indexOf("://");
        int comma = url.indexOf(',', scheme + 3);
        if (scheme < 0 || comma < 0) {
            return url;
        }
        int slash = url.indexOf('/', comma);
        return url.substring(0, comma) + (slash < 0 ? "" : url.substring(slash));
    }

    /** Leaves out the password. */
    @Override
    public String toString() {
        return "ListenSettings[" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase() + "]";
    }
}
