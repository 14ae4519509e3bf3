package dev.runcmd.proto.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest (protected parameters, runAsPassword) with AES-256-GCM under a key from
 * configuration ({@code runcmd.secrets.key}: 32 bytes, base64), shared by control-api (which
 * encrypts) and the gateways (which decrypt just before sending a Run to an agent).
 *
 * <p>Stored form: {@code v1:<base64 iv>:<base64 ciphertext and tag>}. Thread-safe.
 */
public final class SecretBox {

    private static final String PREFIX = "v1";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private SecretBox(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /**
     * A box for a base64 key of 32 bytes.
     *
     * @throws IllegalArgumentException naming the problem (never the key) when it is not one
     */
    public static SecretBox fromBase64Key(String base64Key) {
        if (base64Key == null || base64Key.isBlank()) {
            throw new IllegalArgumentException("runcmd.secrets.key is not set: give 32 random bytes, base64"
                    + " (for example: head -c 32 /dev/urandom | base64)");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64Key.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("runcmd.secrets.key is not valid base64");
        }
        if (key.length != 32) {
            throw new IllegalArgumentException("runcmd.secrets.key must be 32 bytes, base64; it is " + key.length + " bytes");
        }
        return new SecretBox(key);
    }

    /** A fresh random key, base64, for a new installation. */
    public static String newBase64Key() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Encrypts {@code plain} (UTF-8) into the stored form. */
    public String seal(String plain) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            Base64.Encoder base64 = Base64.getEncoder();
            return PREFIX + ":" + base64.encodeToString(iv) + ":" + base64.encodeToString(sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * The plain text of {@code stored} when it is in the sealed form; otherwise {@code stored} itself (null
     * included): a value an earlier version kept in plain text, for columns sealed since (the output and error blob
     * URLs, which are http(s) URLs and so never start with the sealed form's prefix).
     */
    public String openIfSealed(String stored) {
        return stored != null && stored.startsWith(PREFIX + ":") ? open(stored) : stored;
    }

    /**
     * Decrypts the stored form.
     *
     * @throws IllegalArgumentException when it is malformed or was sealed under another key
     */
    public String open(String stored) {
        String[] parts = stored == null ? new String[0] : stored.split(":");
        if (parts.length != 3 || !PREFIX.equals(parts[0])) {
            throw new IllegalArgumentException("not a sealed secret of version " + PREFIX);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, Base64.getDecoder().decode(parts[1])));
            return new String(cipher.doFinal(Base64.getDecoder().decode(parts[2])), StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalArgumentException("the secret was sealed under another runcmd.secrets.key");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed sealed secret");
        }
    }
}
