package dev.runcmd.control.auth.oidc;

/**
 * An access token that is refused: malformed, not signed by the configured issuer's keys, expired, meant for another
 * audience, ... The message says which, is safe to show the caller and never contains the token. Carries no stack
 * trace: it describes the request, not a fault of the server.
 */
public final class InvalidTokenException extends RuntimeException {

    /** Creates a refusal with a message meant for the caller. */
    public InvalidTokenException(String message) {
        super(message, null, false, false);
    }
}
