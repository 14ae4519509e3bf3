package dev.runcmd.cli.http;

/**
 * No usable credential: none was found where one is needed, or an OIDC login could not be refreshed. The
 * message says what to do; it never holds a token or a client secret.
 */
public final class CredentialException extends Exception {

    public CredentialException(String message) {
        super(message);
    }

    public CredentialException(String message, Throwable cause) {
        super(message, cause);
    }
}
