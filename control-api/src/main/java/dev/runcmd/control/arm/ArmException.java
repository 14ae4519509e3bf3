package dev.runcmd.control.arm;

import java.util.List;

/**
 * A request the API refuses, answered with an ARM error body {@code {"error":{"code","message"}}}.
 *
 * <p>This is the only way the REST layer reports a client error: everything that rejects a request throws it,
 * and {@link ArmExceptionMappers} turns it into the response. It carries no stack trace because it describes the
 * request, not a fault of the server.
 */
public final class ArmException extends RuntimeException {

    private final int status;
    private final String code;

    /** Creates an error with an HTTP status, an ARM error code and a message meant for the caller. */
    public ArmException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    /** The HTTP status of the response. */
    public int status() {
        return status;
    }

    /** The ARM error code, such as {@code InvalidRequestContent}. */
    public String code() {
        return code;
    }

    /** 400 InvalidRequestContent: the body is not what the API accepts. */
    public static ArmException invalidContent(String message) {
        return new ArmException(400, "InvalidRequestContent", message);
    }

    /** 400 InvalidResourceName: a name in the path breaks its pattern. */
    public static ArmException invalidResourceName(String message) {
        return new ArmException(400, "InvalidResourceName", message);
    }

    /** 400 MissingApiVersionParameter: the request has no {@code api-version} query parameter. */
    public static ArmException missingApiVersion(List<String> supported) {
        return new ArmException(400, "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests. "
                        + "Supported api-versions are '" + String.join(", ", supported) + "'.");
    }

    /** 400 InvalidApiVersionParameter: the {@code api-version} is not one the API serves. */
    public static ArmException invalidApiVersion(String given, List<String> supported) {
        return new ArmException(400, "InvalidApiVersionParameter",
                "The api-version '" + given + "' is invalid. The supported versions are '"
                        + String.join(", ", supported) + "'.");
    }

    /** 404 ResourceNotFound: the addressed resource does not exist. */
    public static ArmException resourceNotFound(String message) {
        return new ArmException(404, "ResourceNotFound", message);
    }

    /** 404 ParentResourceNotFound: the machine a run command belongs to never registered. */
    public static ArmException parentNotFound(String machine, String resourceGroup) {
        return new ArmException(404, "ParentResourceNotFound",
                "Machine '" + machine + "' not found in resource group '" + resourceGroup + "'.");
    }

    /** 409 Conflict: a concurrent request changed the same resource; the caller may retry. */
    public static ArmException conflict(String message) {
        return new ArmException(409, "Conflict", message);
    }

    /** 413 RequestEntityTooLarge: the body is larger than the API accepts. */
    public static ArmException bodyTooLarge(int maxBytes) {
        return new ArmException(413, "RequestEntityTooLarge",
                "The request body exceeds " + describeSize(maxBytes) + ".");
    }

    /**
     * 429 TooManyRequests: the client sent more requests than the rate limit allows; the response carries
     * {@code Retry-After}.
     */
    public static ArmException tooManyRequests(int perSecond) {
        return new ArmException(429, "TooManyRequests", "more than " + perSecond
                + " requests per second from this client; retry after the Retry-After seconds");
    }

    private static String describeSize(int bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : bytes + " bytes";
    }
}
