package dev.runcmd.control.arm;

import dev.runcmd.control.metrics.Refusals;
import dev.runcmd.control.store.Shedding;
import dev.runcmd.control.store.StoreFailures;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where REST failures become responses. Every response body is an ARM error body; no request
 * yields an HTML page or a stack trace. A failure caused by an unreachable PostgreSQL ({@link StoreFailures}) is
 * answered 503 ServiceUnavailable with {@code Retry-After}, logged as a WARN without a stack trace: the same
 * request succeeds once the database is back. A request shed because every database connection is in use and the
 * wait queue is full ({@link StoreFailures#isSaturated}) is answered 503 ServiceUnavailable with a short
 * {@code Retry-After} at once, never 500 ({@link Shedding} counts them). Other unexpected failures are logged
 * here with their stack trace and answered with a generic 500 whose message points to the server log.
 */
public final class ArmExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ArmExceptionMappers.class);

    /** Answers a refusal raised by runcmd itself. */
    @ServerExceptionMapper
    public RestResponse<ArmError> arm(ArmException e) {
        return respond(e.status(), e.code(), e.getMessage());
    }

    /** Answers a path that matches no resource. */
    @ServerExceptionMapper
    public RestResponse<ArmError> notFound(NotFoundException e, UriInfo uri) {
        return respond(404, "NotFound", "No resource matches the path '" + uri.getPath() + "'.");
    }

    /** Answers a method the addressed resource does not support. */
    @ServerExceptionMapper
    public RestResponse<ArmError> notAllowed(NotAllowedException e, Request request) {
        return respond(405, "MethodNotAllowed",
                "The method '" + request.getMethod() + "' is not allowed on this resource.");
    }

    /** Answers a request body of a media type other than JSON. */
    @ServerExceptionMapper
    public RestResponse<ArmError> unsupportedMediaType(NotSupportedException e) {
        return respond(415, "UnsupportedMediaType",
                "The request content type is not supported; send 'application/json'.");
    }

    /** Answers an Accept header that excludes JSON. */
    @ServerExceptionMapper
    public RestResponse<ArmError> notAcceptable(NotAcceptableException e) {
        return respond(406, "NotAcceptable", "The API answers only 'application/json'.");
    }

    /** Answers any other HTTP-level refusal raised by the REST layer with its own status. */
    @ServerExceptionMapper
    public RestResponse<ArmError> webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return internal(e);
        }
        return respond(status, codeOf(status), "The request could not be processed (HTTP " + status + ").");
    }

    /**
     * Answers a request body that could not be read: the client went away, or it sent more than
     * {@code quarkus.http.limits.max-body-size} without a Content-Length. In the second case Quarkus has already
     * answered a bare 413 and closed the connection, so this answer cannot be sent (Quarkus then logs that the
     * response was already written). Either way the client is at fault, so this is no server error.
     */
    @ServerExceptionMapper
    public RestResponse<ArmError> unreadableBody(IOException e) {
        if (StoreFailures.isSaturated(e)) {
            return shed();
        }
        if (StoreFailures.isUnreachable(e)) {
            return storeUnreachable(e);
        }
        LOG.debugf("Request body could not be read: %s", e.getMessage());
        return respond(400, "InvalidRequestContent", "The request body could not be read.");
    }

    /** Answers everything unexpected with a generic 500; the details go to the server log only. */
    @ServerExceptionMapper
    public RestResponse<ArmError> internal(Throwable e) {
        if (StoreFailures.isSaturated(e)) {
            return shed();
        }
        if (StoreFailures.isUnreachable(e)) {
            return storeUnreachable(e);
        }
        LOG.error("Request failed with an unexpected error", e);
        return respond(500, "InternalServerError", "an internal error occurred; see the server log");
    }

    /** 503 ServiceUnavailable with Retry-After: PostgreSQL is down or restarting; nothing of the request is known. */
    private static RestResponse<ArmError> storeUnreachable(Throwable e) {
        LOG.warnf("Request failed: the data store is unreachable (%s)", e);
        Refusals.storeUnreachable(Refusals.Protocol.REST);
        return unavailable(StoreFailures.MESSAGE, StoreFailures.RETRY_AFTER_SECONDS);
    }

    /** 503 ServiceUnavailable with a short Retry-After: overload, shed at once. */
    private static RestResponse<ArmError> shed() {
        Shedding.record("REST");
        return unavailable(StoreFailures.BUSY_MESSAGE, StoreFailures.BUSY_RETRY_AFTER_SECONDS);
    }

    private static RestResponse<ArmError> unavailable(String message, int retryAfterSeconds) {
        return RestResponse.ResponseBuilder.<ArmError>create(503)
                .entity(ArmError.of(StoreFailures.CODE, message))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header("Retry-After", Integer.toString(retryAfterSeconds))
                .build();
    }

    private static RestResponse<ArmError> respond(int status, String code, String message) {
        return RestResponse.ResponseBuilder.<ArmError>create(status)
                .entity(ArmError.of(code, message))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    /** Turns a status into an ARM-style code: 409 becomes {@code Conflict}, 400 {@code BadRequest}. */
    private static String codeOf(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        return known == null ? "HttpError" + status : known.getReasonPhrase().replace(" ", "").replace("-", "");
    }
}
