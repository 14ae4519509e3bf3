package dev.runcmd.control.auth;

/**
 * Why a request's credential was refused, answered 401 with ARM's codes: {@code AuthenticationFailed} when there
 * is no usable Authorization header, {@code InvalidAuthenticationToken} when the token itself is bad (signature,
 * expiry, revocation, unknown). gRPC answers UNAUTHENTICATED with the same message.
 */
public final class AuthenticationFailure extends RuntimeException {

    /** No Authorization header, or not a Bearer one. */
    public static final String AUTHENTICATION_FAILED = "AuthenticationFailed";
    /** A bearer token that is not valid. */
    public static final String INVALID_TOKEN = "InvalidAuthenticationToken";

    private final String code;

    AuthenticationFailure(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** The ARM error code. */
    public String code() {
        return code;
    }

    static AuthenticationFailure missingHeader() {
        return new AuthenticationFailure(AUTHENTICATION_FAILED,
                "Authentication failed. The 'Authorization' header is missing.");
    }

    static AuthenticationFailure malformedHeader() {
        return new AuthenticationFailure(AUTHENTICATION_FAILED, "Authentication failed. The 'Authorization' header "
                + "is provided in an invalid format: expected 'Bearer <token>'.");
    }

    static AuthenticationFailure invalidToken(String why) {
        return new AuthenticationFailure(INVALID_TOKEN, why);
    }
}
