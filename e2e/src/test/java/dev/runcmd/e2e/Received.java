package dev.runcmd.e2e;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What a follower received of one stream: the bytes, in order, and when each complete line arrived.
 * Thread-safe.
 */
final class Received {

    /** A line and the wall-clock time (epoch nanoseconds) at which its newline arrived. */
    record Line(String text, long receivedAtEpochNanos) {
    }

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final MessageDigest sha256;
    private final List<Line> lines = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final boolean keepBytes;
    private long count;

    Received(boolean keepBytes) {
        this.keepBytes = keepBytes;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    synchronized void add(byte[] data) {
        long now = epochNanos();
        sha256.update(data);
        count += data.length;
        if (keepBytes) {
            bytes.writeBytes(data);
            partial.append(new String(data, StandardCharsets.ISO_8859_1));
            int newline;
            while ((newline = partial.indexOf("\n")) >= 0) {
                lines.add(new Line(new String(partial.substring(0, newline).getBytes(StandardCharsets.ISO_8859_1),
                        StandardCharsets.UTF_8), now));
                partial.delete(0, newline + 1);
            }
        }
    }

    synchronized long count() {
        return count;
    }

    synchronized String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    synchronized List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The SHA-256 of everything received so far, as hex. */
    synchronized String sha256() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) sha256.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
