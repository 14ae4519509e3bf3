package dev.runcmd.control.pki;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/**
 * Where the runcmd CA comes from (prefix {@code runcmd.pki}, the same keys as the gateways'), read once at startup.
 * Without files the CA is the {@code certificate_authority} row in PostgreSQL, created by whichever component starts
 * first.
 */
@ConfigMapping(prefix = "runcmd.pki")
public interface PkiConfig {

    /** The operator's CA certificate (PEM); with {@link #caKeyFile()}, the row in PostgreSQL is not used. */
    Optional<String> caCertFile();

    /** The operator's CA private key (PKCS #8 PEM); set together with {@link #caCertFile()}. */
    Optional<String> caKeyFile();

    /** Older CA certificates (a PEM bundle) still trusted while a CA rotation is under way. */
    Optional<String> extraTrustFile();
}
