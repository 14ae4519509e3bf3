package dev.runcmd.control.job.output;

import java.io.ByteArrayOutputStream;

/**
 * Unsigned LEB128 varints (7 bits a byte, low bits first, the high bit set on every byte but the last), as
 * protobuf writes them: what {@link JobCursor}'s tokens are made of. Reading checks every value against a limit,
 * so a forged token cannot make a reader allocate or loop beyond it.
 */
final class Varints {

    private final ByteArrayOutputStream out;
    private final byte[] in;
    private int at;

    /** A writer. */
    Varints() {
        this.out = new ByteArrayOutputStream();
        this.in = null;
    }

    /** A reader of {@code bytes}. */
    Varints(byte[] bytes) {
        this.out = null;
        this.in = bytes;
    }

    /** Appends a value, which must not be negative. */
    void write(long value) {
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
            out.write((int) (rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        out.write((int) rest);
    }

    /** What was written. */
    byte[] bytes() {
        return out.toByteArray();
    }

    /**
     * The next value.
     *
     * @throws IllegalArgumentException when the bytes end first or the value exceeds {@code max}
     */
    long read(long max) {
        long value = 0;
        for (int shift = 0; shift < 63; shift += 7) {
            if (at == in.length) {
                throw new IllegalArgumentException("the resume token is cut short");
            }
            byte b = in[at++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                if (value < 0 || value > max) {
                    throw new IllegalArgumentException("the resume token holds an out-of-range value");
                }
                return value;
            }
        }
        throw new IllegalArgumentException("the resume token holds an out-of-range value");
    }

    /** Requires every byte to have been read. */
    void requireEnd() {
        if (at != in.length) {
            throw new IllegalArgumentException("the resume token has trailing bytes");
        }
    }
}
