package dev.runcmd.control.arm;

import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the absolute {@code nextLink} of a paged list: the request's own URL (scheme, host and path as the
 * client addressed them) with every query parameter kept, except {@code $skipToken}, which is replaced.
 */
public final class NextLinks {

    private NextLinks() {
    }

    /** The next page's URL, or null when {@code nextToken} is null (the last page). */
    public static String of(UriInfo uri, String nextToken) {
        if (nextToken == null) {
            return null;
        }
        URI request = uri.getRequestUri();
        List<String> query = new ArrayList<>();
        if (request.getRawQuery() != null) {
            for (String parameter : request.getRawQuery().split("&")) {
                if (!parameter.isEmpty() && !isSkipToken(parameter)) {
                    query.add(parameter);
                }
            }
        }
        query.add(PageRequest.SKIP_TOKEN + "=" + nextToken);
        return request.getScheme() + "://" + request.getRawAuthority() + request.getRawPath() + "?"
                + String.join("&", query);
    }

    private static boolean isSkipToken(String rawParameter) {
        int equals = rawParameter.indexOf('=');
        String name = equals < 0 ? rawParameter : rawParameter.substring(0, equals);
        return URLDecoder.decode(name, StandardCharsets.UTF_8).equalsIgnoreCase(PageRequest.SKIP_TOKEN);
    }
}
