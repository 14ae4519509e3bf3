package dev.runcmd.proto.pki;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A runcmd API token, the bearer credential of automation and of the local stack's owner:
 * {@code runcmd-pat.<id>.<secret>}. The id (32 hex digits) finds the token's row, the secret (32 random bytes,
 * base64url) proves it; the server stores only the secret's SHA-256. An OIDC access token never has this prefix.
 */
public record ApiToken(String id, String secret) {

    /** What every runcmd API token starts with. */
    public static final String PREFIX = "runcmd-pat.";

    private static final Pattern FORMAT = Pattern.compile("runcmd-pat\\.([0-9a-f]{32})\\.([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A fresh token. */
    public static ApiToken generate() {
        byte[] id = new byte[16];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        return new ApiToken(HexFormat.of().formatHex(id), Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /** Whether a bearer credential claims to be a runcmd token (rather than an OIDC JWT). */
    public static boolean looksLikeOne(String bearer) {
        return bearer.startsWith(PREFIX);
    }

    /** Parses a token; IllegalArgumentException (never echoing the token) if it is malformed. */
    public static ApiToken parse(String token) {
        Matcher matcher = FORMAT.matcher(token == null ? "" : token.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("The runcmd token is malformed: expected runcmd-pat.<32 hex>.<43 "
                    + "base64url>, as 'runcmd auth token create' prints it.");
        }
        return new ApiToken(matcher.group(1), matcher.group(2));
    }

    /** SHA-256 of the secret: what the server stores. */
    public byte[] secretHash() {
        return SecretHash.of(secret);
    }

    /** Whether a stored hash is this token's secret's, in constant time. */
    public boolean matches(byte[] storedHash) {
        return SecretHash.matches(secret, storedHash);
    }

    /** The token text. */
    public String text() {
        return PREFIX + id + "." + secret;
    }

    /** Never the secret. */
    @Override
    public String toString() {
        return "ApiToken[" + id + "]";
    }
}
