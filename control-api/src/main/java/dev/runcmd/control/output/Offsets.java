package dev.runcmd.control.output;

/**
 * A byte offset per stream. As a resume token it reads {@code <stdout>.<stderr>}: the offsets right after the
 * last bytes a client received, so that reading from them continues without a gap or a duplicate.
 *
 * @param stdout the stdout offset, never negative
 * @param stderr the stderr offset, never negative
 */
public record Offsets(long stdout, long stderr) {

    /** Both streams from their first byte. */
    public static final Offsets ZERO = new Offsets(0, 0);

    /** No limit on either stream. */
    public static final Offsets UNLIMITED = new Offsets(Long.MAX_VALUE, Long.MAX_VALUE);

    /** Requires both offsets to be zero or more. */
    public Offsets {
        if (stdout < 0 || stderr < 0) {
            throw new IllegalArgumentException("offsets must not be negative");
        }
    }

    /** The offset of one stream. */
    public long of(StdStream stream) {
        return stream == StdStream.STDOUT ? stdout : stderr;
    }

    /** These offsets with one stream's offset replaced. */
    public Offsets with(StdStream stream, long offset) {
        return stream == StdStream.STDOUT ? new Offsets(offset, stderr) : new Offsets(stdout, offset);
    }

    /** The resume token, {@code <stdout>.<stderr>}. */
    public String token() {
        return stdout + "." + stderr;
    }

    /**
     * Parses a resume token {@code <stdout>.<stderr>}.
     *
     * @throws IllegalArgumentException when the text is not two non-negative integers joined by a dot
     */
    public static Offsets parseToken(String token) {
        int dot = token.indexOf('.');
        if (dot < 0) {
            throw new IllegalArgumentException("expected <stdoutOffset>.<stderrOffset>");
        }
        return new Offsets(parseOffset(token.substring(0, dot)), parseOffset(token.substring(dot + 1)));
    }

    /**
     * Parses one non-negative decimal offset.
     *
     * @throws IllegalArgumentException when the text is not a non-negative integer
     */
    public static long parseOffset(String text) {
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("expected a non-negative integer byte offset");
        }
        return Long.parseLong(text);
    }
}
