package dev.runcmd.proto.pki;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A join token as the operator hands it to an agent: {@code runcmd1.<id>.<secret>.<ca hash>}. The id (16 hex digits)
 * finds the token's row, the secret (32 random bytes, base64url) proves it (the server stores only its SHA-256), and
 * the CA hash (SHA-256 of the CA's public key, hex, as kubeadm's discovery hash) lets the agent trust the gateway the
 * first time it dials it.
 */
public record JoinToken(String id, String secret, String caHash) {

    private static final Pattern FORMAT =
            Pattern.compile("runcmd1\\.([0-9a-f]{16})\\.([A-Za-z0-9_-]{43})\\.([0-9a-f]{64})");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A fresh token for a CA. */
    public static JoinToken generate(String caHash) {
        byte[] id = new byte[8];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        return new JoinToken(HexFormat.of().formatHex(id),
                Base64.getUrlEncoder().withoutPadding().encodeToString(secret), caHash);
    }

    /** Parses a token; IllegalArgumentException (never echoing the token) if it is malformed. */
    public static JoinToken parse(String token) {
        Matcher matcher = FORMAT.matcher(token == null ? "" : token.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("join token is malformed: expected runcmd1.<16 hex>.<43 base64url>"
                    + ".<64 hex>, as 'runcmd machine join-token create' prints it");
        }
        return new JoinToken(matcher.group(1), matcher.group(2), matcher.group(3));
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
        return "runcmd1." + id + "." + secret + "." + caHash;
    }

    /** Never the secret. */
    @Override
    public String toString() {
        return "JoinToken[" + id + "]";
    }
}
