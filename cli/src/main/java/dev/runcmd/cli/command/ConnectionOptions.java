package dev.runcmd.cli.command;

import dev.runcmd.cli.auth.CredentialResolver;
import dev.runcmd.cli.auth.Endpoints;
import dev.runcmd.cli.http.Connection;
import dev.runcmd.cli.http.Credential;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How a command reaches the control API: endpoint, credential, trusted CAs, trace. Resolved once per invocation
 * by {@link CredentialResolver}, which documents the order of the sources.
 */
final class ConnectionOptions {

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "REST API base URL (env RUNCMD_ENDPOINT; else the login profile's; default "
                    + CredentialResolver.DEFAULT_ENDPOINT + ").")
    String endpoint;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = {"Bearer token to present (env RUNCMD_TOKEN, which other local users cannot read, unlike a "
                    + "command line). Default: the login profile for this endpoint, else the local stack's owner "
                    + "token (<data dir>/owner.token) for an endpoint on this machine."})
    String token;

    @Option(names = "--ca-file", paramLabel = "PEM",
            description = "Also trust the CA certificates in this PEM file for https:// (env RUNCMD_CA_FILE; default: "
                    + "the login profile's, and the JDK's trust store).")
    Path caFile;

    @Option(names = "--verbose", description = "Print each request's method, URL, status and request id to stderr.")
    boolean verbose;

    private Connection connection; // resolved on first use, once per invocation

    /** The resolved connection; warns once on stderr when it sends a credential over plain http off this machine. */
    Connection connection() throws IOException {
        if (connection == null) {
            connection = CredentialResolver.ofThisProcess().resolve(endpoint, token, caFile,
                    verbose ? System.err : null);
            if (connection.credential() != Credential.none() && connection.endpoint().regionMatches(true, 0, "http:", 0, 5)
                    && !Endpoints.isLocal(connection.endpoint())) {
                System.err.println("runcmd: warning: sending a credential over plain http to " + connection.endpoint()
                        + "; anyone on the network path can read it (use https://)");
            }
        }
        return connection;
    }
}
