package dev.runcmd.cli.auth;

/**
 * An error answer of the identity provider: the OAuth {@code error} code (RFC 6749 section 5.2, RFC 8628 section
 * 3.5) and its description. Never holds a token or a secret.
 */
public final class OidcException extends Exception {

    private final String error;

    public OidcException(String error, String description) {
        super(description == null || description.isBlank() ? error : error + ": " + description);
        this.error = error;
    }

    /** The OAuth error code: {@code invalid_client}, {@code authorization_pending}, {@code slow_down}... */
    public String error() {
        return error;
    }
}
