package dev.runcmd.control.arm;

import java.nio.charset.StandardCharsets;

/** Percent-encodes user-chosen names (subscription, location, ...) for use as one segment of a URL path. */
public final class PathSegments {

    private static final String UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

    private PathSegments() {
    }

    /** The segment with every byte outside RFC 3986's unreserved characters percent-encoded (UTF-8). */
    public static String encode(String segment) {
        StringBuilder encoded = new StringBuilder(segment.length());
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            if (b >= 0 && UNRESERVED.indexOf(b) >= 0) {
                encoded.append((char) b);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return encoded.toString();
    }
}
