package dev.runcmd.control.auth.oidc;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.jwx.JsonWebStructure;

/**
 * What an access token says about itself before anything is verified: its form, signature algorithm, key id and
 * issuer. {@link #check} refuses, without asking the provider, every token that no key of the configured issuer
 * could verify, so that junk and other issuers' tokens never reach key resolution, where an unknown key id makes the
 * library fetch the provider's keys again.
 *
 * <p>Nothing read here is trusted: the library verifies the signature and every claim afterwards.
 */
final class TokenForm {

    /** The longest token read: far above real access tokens (Entra ID's with 200 groups are about 10 KB). */
    static final int MAX_LENGTH = 16 * 1024;

    /** The signature algorithms accepted: the provider's public keys only, never a shared secret or none. */
    static final Set<SignatureAlgorithm> ALGORITHMS = EnumSet.of(SignatureAlgorithm.RS256, SignatureAlgorithm.RS384,
            SignatureAlgorithm.RS512, SignatureAlgorithm.PS256, SignatureAlgorithm.PS384, SignatureAlgorithm.PS512,
            SignatureAlgorithm.ES256, SignatureAlgorithm.ES384, SignatureAlgorithm.ES512, SignatureAlgorithm.EDDSA);

    private static final Set<String> ALGORITHM_NAMES = ALGORITHMS.stream().map(SignatureAlgorithm::getAlgorithm)
            .collect(Collectors.toUnmodifiableSet());

    /** Reads without verifying: no signature check, no claim validation, any algorithm (to name it when refusing). */
    private static final JwtConsumer UNVERIFIED = new JwtConsumerBuilder()
            .setSkipAllValidators()
            .setDisableRequireSignature()
            .setSkipSignatureVerification()
            .setJwsAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS)
            .build();

    private TokenForm() {
    }

    /**
     * Refuses a token that is not a compact JWS of a reasonable size, is unsigned or signed with a shared secret or
     * an algorithm not accepted, names no key, or names another issuer than {@code issuer}.
     *
     * @throws InvalidTokenException saying which
     */
    static void check(String jwt, String issuer) {
        if (jwt == null || jwt.isBlank()) {
            throw new InvalidTokenException("The access token is empty");
        }
        if (jwt.length() > MAX_LENGTH) {
            throw new InvalidTokenException("The access token is longer than " + MAX_LENGTH + " characters");
        }
        if (jwt.chars().filter(c -> c == '.').count() != 2) {
            throw new InvalidTokenException("The access token is not a signed JWT (header.payload.signature)");
        }
        JwtContext read = read(jwt);
        JsonWebStructure header = read.getJoseObjects().get(0);
        checkAlgorithm(header.getAlgorithmHeaderValue());
        if (header.getKeyIdHeaderValue() == null || header.getKeyIdHeaderValue().isBlank()) {
            throw new InvalidTokenException("The access token's header names no signing key (kid)");
        }
        checkIssuer(read, issuer);
    }

    private static JwtContext read(String jwt) {
        try {
            return UNVERIFIED.process(jwt);
        } catch (InvalidJwtException e) {
            throw new InvalidTokenException("The access token is malformed: its header or payload is not base64url"
                    + " JSON of a JWT");
        }
    }

    private static void checkAlgorithm(String algorithm) {
        if (algorithm == null || algorithm.equals("none")) {
            throw new InvalidTokenException("The access token is not signed (alg 'none')");
        }
        if (algorithm.startsWith("HS")) {
            throw new InvalidTokenException("The access token is signed with a shared secret (alg '"
                    + Refusals.shown(algorithm) + "'); only keys its issuer publishes are accepted");
        }
        if (!ALGORITHM_NAMES.contains(algorithm)) {
            throw new InvalidTokenException("The access token's signature algorithm '" + Refusals.shown(algorithm)
                    + "' is not accepted (only " + String.join(", ", ALGORITHM_NAMES.stream().sorted().toList())
                    + ")");
        }
    }

    private static void checkIssuer(JwtContext read, String issuer) {
        String claimed;
        try {
            claimed = read.getJwtClaims().getIssuer();
        } catch (MalformedClaimException e) {
            throw new InvalidTokenException("The access token's issuer (iss) is not a string");
        }
        if (claimed == null) {
            throw new InvalidTokenException("The access token names no issuer (iss)");
        }
        if (!claimed.equals(issuer)) {
            throw new InvalidTokenException(Refusals.wrongIssuer(claimed));
        }
    }
}
