package dev.runcmd.cli.auth;

import java.net.URI;
import java.util.Locale;

/** Comparing control API base URLs, and telling this machine's own addresses from others. */
public final class Endpoints {

    private Endpoints() {
    }

    /**
     * A base URL in a form fit for comparison: scheme and host lower-cased, the default port made explicit, no
     * trailing slash. {@code http://LOCALHOST:80/} and {@code http://localhost} are the same endpoint.
     */
    public static String normalize(String endpoint) {
        URI uri;
        try {
            uri = URI.create(endpoint.strip());
        } catch (IllegalArgumentException e) {
            return endpoint.strip();
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            return endpoint.strip();
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port + path;
    }

    /** Whether two base URLs name the same endpoint. */
    public static boolean same(String a, String b) {
        return normalize(a).equals(normalize(b));
    }

    /** Whether a URL's host is this machine's loopback address, by name or literal (no DNS lookup). */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        String lower = bare.toLowerCase(Locale.ROOT);
        return lower.equals("localhost") || lower.matches("127(\\.[0-9]{1,3}){3}") || lower.equals("::1")
                || lower.equals("0:0:0:0:0:0:0:1");
    }

    /** Whether a base URL points at this machine (what {@code runcmd up} binds: 127.0.0.1). */
    public static boolean isLocal(String endpoint) {
        try {
            return isLoopback(URI.create(endpoint.strip()).getHost());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
