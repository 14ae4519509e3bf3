package dev.runcmd.control.auth.oidc;

import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.auth.principal.UnmatchedTokenKidException;
import java.util.List;
import java.util.Optional;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * The caller-facing reasons a token is refused, and the translation of the library's failures into them. Messages
 * never contain the token; the few values they quote from it (issuer, audience, algorithm) are cut short and stripped
 * of control characters.
 */
final class Refusals {

    private static final int SHOWN_LENGTH = 100;

    private Refusals() {
    }

    /**
     * What a failure of the library's verification means: {@link InvalidTokenException} when the token is at fault,
     * {@link OidcUnavailableException} when the provider's keys could not be read.
     */
    static RuntimeException of(ParseException failure, Optional<String> audience) {
        Throwable cause = failure.getCause();
        if (cause instanceof UnmatchedTokenKidException) {
            return new InvalidTokenException("The access token is signed by a key its issuer does not publish");
        }
        if (cause instanceof UnresolvableKeyException) {
            return new OidcUnavailableException("The identity provider's signing keys could not be read; try again"
                    + " later", failure);
        }
        if (cause instanceof InvalidJwtException invalid) {
            return new InvalidTokenException(reason(invalid, audience));
        }
        return new InvalidTokenException("The access token is not valid (its issue time is after its expiry)");
    }

    /** The refusal of a token naming another issuer. */
    static String wrongIssuer(String claimed) {
        return "The access token's issuer '" + shown(claimed) + "' is not the configured one";
    }

    /** A value from the token made safe to quote: at most 100 characters, no control characters. */
    static String shown(String value) {
        String cut = value.length() > SHOWN_LENGTH ? value.substring(0, SHOWN_LENGTH) + "..." : value;
        return cut.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    /** The first problem in the order a person would fix them: signature, lifetime, audience, then the rest. */
    private static String reason(InvalidJwtException invalid, Optional<String> audience) {
        if (invalid.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
            return "The access token's signature is not valid";
        }
        if (invalid.hasExpired()) {
            return "The access token has expired";
        }
        if (invalid.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
            return "The access token is not valid yet (nbf)";
        }
        if (invalid.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
            return "The access token has no expiry (exp)";
        }
        if (invalid.hasErrorCode(ErrorCodes.ISSUED_AT_MISSING)) {
            return "The access token has no issue time (iat)";
        }
        if (invalid.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return "The access token names no audience (aud); this API is '" + audience.orElse("") + "'";
        }
        if (invalid.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)) {
            return "The access token's audience '" + shown(String.join(", ", audienceOf(invalid)))
                    + "' is not this API ('" + audience.orElse("") + "')";
        }
        if (invalid.hasErrorCode(ErrorCodes.ISSUER_INVALID) || invalid.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return "The access token's issuer is not the configured one";
        }
        if (invalid.hasErrorCode(ErrorCodes.MALFORMED_CLAIM)) {
            return "The access token has a claim of the wrong type (exp, nbf, iat, iss or aud)";
        }
        return "The access token is not valid";
    }

    private static List<String> audienceOf(InvalidJwtException invalid) {
        try {
            return invalid.getJwtContext().getJwtClaims().getAudience();
        } catch (MalformedClaimException | RuntimeException e) {
            return List.of("?");
        }
    }
}
