package dev.runcmd.proto.pki;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/** What the server keeps of a bearer secret (join tokens, API tokens): its SHA-256, compared in constant time. */
final class SecretHash {

    private SecretHash() {
    }

    /** SHA-256 of the secret's text. */
    static byte[] of(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException unavailable) {
            throw new IllegalStateException(unavailable);
        }
    }

    /** Whether {@code storedHash} is the secret's, in constant time. */
    static boolean matches(String secret, byte[] storedHash) {
        return MessageDigest.isEqual(of(secret), storedHash);
    }
}
