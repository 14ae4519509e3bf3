package dev.runcmd.control.auth.oidc;

public final class InvalidTokenException extends RuntimeException {
    public InvalidTokenException(String message) {
        super(message, null, false, false);
    }
}
