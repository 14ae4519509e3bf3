package dev.runcmd.proto.pki;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;

/**
 * What an agent needs to ask for a certificate, with the JDK alone (the agent carries no other cryptography library):
 * an EC P-256 key pair and a PKCS #10 request (RFC 2986) for it, signed with ECDSA over SHA-256. The gateway checks
 * requests with {@link Csr#verifiedKey}.
 */
public final class CsrWriter {

    /** 2.5.4.3 commonName. */
    private static final byte[] COMMON_NAME = {0x06, 0x03, 0x55, 0x04, 0x03};
    /** 1.2.840.10045.4.3.2 ecdsa-with-SHA256, no parameters. */
    private static final byte[] ECDSA_WITH_SHA256 = {0x30, 0x0A, 0x06, 0x08, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE,
            0x3D, 0x04, 0x03, 0x02};

    private CsrWriter() {
    }

    /** A new EC P-256 key pair. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException unavailable) {
            throw new IllegalStateException("EC P-256 is unavailable", unavailable);
        }
    }

    /** A DER PKCS #10 request for an EC key pair, subject CN={@code commonName}, signed with its private key. */
    public static byte[] create(KeyPair keys, String commonName) {
        if (!(keys.getPublic() instanceof ECPublicKey)) {
            throw new IllegalArgumentException("an EC key pair is needed");
        }
        byte[] name = sequence(set(sequence(COMMON_NAME, tlv(0x0C, commonName.getBytes(StandardCharsets.UTF_8)))));
        byte[] info = sequence(new byte[] {0x02, 0x01, 0x00}, name, keys.getPublic().getEncoded(),
                new byte[] {(byte) 0xA0, 0x00});
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(info);
            byte[] signature = signer.sign();
            byte[] bits = new byte[signature.length + 1];
            System.arraycopy(signature, 0, bits, 1, signature.length);
            return sequence(info, ECDSA_WITH_SHA256, tlv(0x03, bits));
        } catch (GeneralSecurityException failure) {
            throw new IllegalStateException("cannot sign a certificate request", failure);
        }
    }

    private static byte[] sequence(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    private static byte[] set(byte[]... parts) {
        return tlv(0x31, concat(parts));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** One DER element: tag, definite length, contents. */
    private static byte[] tlv(int tag, byte[] contents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = contents.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xFF);
        }
        out.writeBytes(contents);
        return out.toByteArray();
    }
}
