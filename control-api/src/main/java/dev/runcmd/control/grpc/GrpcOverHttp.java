package dev.runcmd.control.grpc;

import io.grpc.Status;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;

/** What the router filters need to know of gRPC calls, which share the HTTP port with REST. */
public final class GrpcOverHttp {

    /** The content type of a gRPC call (optionally followed by "+proto" and the like). */
    public static final String CONTENT_TYPE = "application/grpc";

    private GrpcOverHttp() {}

    /** True for a gRPC call. */
    public static boolean isGrpc(RoutingContext context) {
        String type = context.request().getHeader(HttpHeaders.CONTENT_TYPE);
        return type != null && type.startsWith(CONTENT_TYPE);
    }

    /**
     * Ends a gRPC call before the gRPC server sees it: a trailers-only response with {@code code}, the already
     * percent-encoded {@code message} ({@link #percentEncode}) and a {@code retry-after} trailer in seconds.
     */
    public static void endCall(RoutingContext context, Status.Code code, String encodedMessage,
            long retryAfterSeconds) {
        context.response().putHeader("retry-after", Long.toString(retryAfterSeconds));
        endCall(context, code, encodedMessage);
    }

    /** Ends a gRPC call before the gRPC server sees it: a trailers-only response with {@code code} and message. */
    public static void endCall(RoutingContext context, Status.Code code, String encodedMessage) {
        context.response()
                .setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE)
                .putHeader("grpc-status", Integer.toString(code.value()))
                .putHeader("grpc-message", encodedMessage)
                .end();
    }

    /** The {@code grpc-message} encoding: UTF-8, with '%' and bytes outside printable ASCII as %XX. */
    public static String percentEncode(String message) {
        StringBuilder out = new StringBuilder();
        for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c < 0x20 || c > 0x7E || c == '%') {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }
}
