package dev.runcmd.control.auth.oidc;

/**
 * The identity provider could not be asked for its configuration or signing keys (down, unreachable, answering
 * garbage), so a token could not be checked. Not the caller's fault: the request may be tried again later. The
 * message is safe to show the caller; the cause, for the log, says what failed.
 */
public final class OidcUnavailableException extends RuntimeException {

    /** Creates the failure with a message meant for the caller and the underlying cause. */
    public OidcUnavailableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
