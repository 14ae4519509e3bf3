package dev.runcmd.control.limit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runcmd.control.arm.ArmError;
import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.EarlyAnswers;
import dev.runcmd.control.grpc.GrpcOverHttp;
import io.grpc.Status;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * The answer to a request over the rate limit, in the protocol of the request: REST gets 429 with the ARM error
 * body {@code TooManyRequests} and {@code Retry-After}; a gRPC call gets a trailers-only response with
 * RESOURCE_EXHAUSTED, the same message, and a {@code retry-after} trailer (seconds).
 *
 * <p>Neither answer reads the request body. An HTTP/1.x connection is closed after the 429, so an unread body
 * is never read; on HTTP/2 (every gRPC call) only that stream ends and the client's other calls go on.
 */
final class TooManyRequests {

    private final String restBody;
    private final String grpcMessage;

    TooManyRequests(int perSecond, ObjectMapper mapper) throws JsonProcessingException {
        ArmException error = ArmException.tooManyRequests(perSecond);
        this.restBody = mapper.writeValueAsString(ArmError.of(error.code(), error.getMessage()));
        this.grpcMessage = GrpcOverHttp.percentEncode(error.getMessage());
    }

    /** Ends a REST request with 429. */
    void answerRest(RoutingContext context, long retryAfterSeconds) {
        EarlyAnswers.endAndClose(context, context.response()
                .setStatusCode(429)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds)), restBody);
    }

    /** Ends a gRPC call with RESOURCE_EXHAUSTED, before the gRPC server sees it. */
    void answerGrpc(RoutingContext context, long retryAfterSeconds) {
        GrpcOverHttp.endCall(context, Status.Code.RESOURCE_EXHAUSTED, grpcMessage, retryAfterSeconds);
    }
}
