package dev.runcmd.control.auth.oidc;

public final class OidcUnavailableException extends RuntimeException {
    public OidcUnavailableException(String message) {
        super(message, null, false, false);
    }
}
