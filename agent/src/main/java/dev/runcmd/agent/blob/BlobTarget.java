package dev.runcmd.agent.blob;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where one output stream is uploaded, and how: an Azure append blob (the URL's query has a
 * {@code sig} parameter, or its host ends in {@code .blob.core.windows.net}), or any other http(s)
 * URL, written by one plain PUT at the end. Only {@link #redacted()} and {@link #host()} may be
 * shown or logged: the query is a secret.
 *
 * @param uri the URL as given, without a fragment
 * @param appendBlob true for the Azure append-blob protocol, false for one plain PUT
 */
public record BlobTarget(URI uri, boolean appendBlob) {
    private static final String AZURE_BLOB_HOST_SUFFIX = ".blob.core.windows.net";

    /** Parses {@code url}, the {@code role} ("output", "error") blob URL of a Run. */
    static BlobTarget parse(String url, String role) throws BlobException {
        URI uri;
        try {
            uri = new URI(url.contains("#") ? url.substring(0, url.indexOf('#')) : url);
        } catch (URISyntaxException e) {
            throw new BlobException("The " + role + " blob URL is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new BlobException("The " + role + " blob URL must be an http(s) URL with a host");
        }
        return new BlobTarget(uri, isAzure(uri));
    }

    private static boolean isAzure(URI uri) {
        String query = uri.getRawQuery() == null ? "" : "&" + uri.getRawQuery();
        return query.contains("&sig=") || uri.getHost().toLowerCase(Locale.ROOT).endsWith(AZURE_BLOB_HOST_SUFFIX);
    }

    /** The URL of an Append Block request: the URL with {@code comp=appendblock} added to its query. */
    URI appendBlockUri() {
        String separator = uri.getRawQuery() == null ? "?" : "&";
        return URI.create(uri.toString() + separator + "comp=appendblock");
    }

    /** The URL as scheme://host[:port]/path: without user info, query or fragment. */
    public String redacted() {
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return uri.getScheme() + "://" + uri.getHost() + port + path;
    }

    /** The host name only. */
    public String host() {
        return uri.getHost();
    }

    @Override
    public String toString() {
        return redacted();
    }
}
