package dev.runcmd.control.output;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes one stream's bytes as UTF-8 chunk by chunk with the state carried across chunks: a character split
 * between two chunks comes out whole, and bytes that are not valid UTF-8 become U+FFFD, exactly as if the whole
 * stream had been decoded at once. Not thread-safe: one instance per stream and response.
 */
public final class Utf8Decoder {

    private static final byte[] NONE = new byte[0];

    // The trailing bytes of an incomplete character, at most 3.
    private byte[] held = NONE;

    /** Decodes the held bytes and {@code data}, holding back a trailing incomplete character. */
    public String decode(byte[] data) {
        byte[] bytes = held.length == 0 ? data : concat(held, data);
        int complete = completeLength(bytes);
        held = complete == bytes.length ? NONE : Arrays.copyOfRange(bytes, complete, bytes.length);
        return new String(bytes, 0, complete, StandardCharsets.UTF_8);
    }

    /** The number of bytes held back (0 to 3). */
    public int heldBack() {
        return held.length;
    }

    /** Decodes whatever is held back (an incomplete character becomes U+FFFD) and forgets it. */
    public String flush() {
        String rest = new String(held, StandardCharsets.UTF_8);
        held = NONE;
        return rest;
    }

    /** The length of the bytes without a trailing lead byte whose continuation bytes are not all there yet. */
    static int completeLength(byte[] bytes) {
        int lead = bytes.length - 1;
        int continuations = 0;
        while (lead >= 0 && continuations < 3 && isContinuation(bytes[lead])) {
            lead--;
            continuations++;
        }
        if (lead < 0) {
            return bytes.length;
        }
        int expected = sequenceLength(bytes[lead]);
        return expected > continuations + 1 ? lead : bytes.length;
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    /** The length of the sequence a lead byte starts; 1 for ASCII and for bytes that cannot start one. */
    private static int sequenceLength(byte lead) {
        int b = lead & 0xFF;
        if (b >= 0xC2 && b <= 0xDF) {
            return 2;
        }
        if (b >= 0xE0 && b <= 0xEF) {
            return 3;
        }
        return b >= 0xF0 && b <= 0xF4 ? 4 : 1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
