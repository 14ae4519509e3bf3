package dev.runcmd.control.arm;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Ends a request refused by a router filter before its body was read (413, 429).
 *
 * <p>Vert.x keeps an HTTP/1.x connection open whatever the response's {@code Connection} header says, with the
 * refused body still unread in front of any next request; so after the answer is written the connection is closed
 * here, and the peer holds nothing on the server. On HTTP/2 only the request's stream ends (Vert.x resets it), so
 * the client's other requests on the connection go on.
 */
public final class EarlyAnswers {

    private EarlyAnswers() {
    }

    /** Writes {@code body} as the end of {@code response}, then closes an HTTP/1.x connection. */
    public static void endAndClose(RoutingContext context, HttpServerResponse response, String body) {
        if (context.request().version() == HttpVersion.HTTP_2) {
            response.end(body);
            return;
        }
        response.putHeader(HttpHeaders.CONNECTION, "close");
        response.end(body).onComplete(written -> context.request().connection().close());
    }
}
