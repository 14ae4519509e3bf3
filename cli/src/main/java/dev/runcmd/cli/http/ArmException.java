package dev.runcmd.cli.http;

/**
 * An error answer of the REST API: the ARM error body's code and message, and what lets the caller find the
 * request again (in the activity log, in the server's logs): the {@code x-ms-request-id} and
 * {@code x-ms-correlation-request-id} the answer carried. Also says where the credential sent came from, never
 * the credential.
 */
public final class ArmException extends Exception {

    private final int status;
    private final String code;
    private final String requestId;
    private final String correlationId;
    private final String credentialSource;

    public ArmException(int status, String code, String message) {
        this(status, code, message, null, null, null);
    }

    /**
     * @param requestId the answer's {@code x-ms-request-id}, or null
     * @param correlationId the answer's (else the request's) {@code x-ms-correlation-request-id}, or null
     * @param credentialSource where the bearer token sent came from, or null when none was sent
     */
    public ArmException(int status, String code, String message, String requestId, String correlationId,
                        String credentialSource) {
        super(message);
        this.status = status;
        this.code = code;
        this.requestId = requestId;
        this.correlationId = correlationId;
        this.credentialSource = credentialSource;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The server's id of the failed request, or null. */
    public String requestId() {
        return requestId;
    }

    /** The invocation's correlation id, or null. */
    public String correlationId() {
        return correlationId;
    }

    /** Where the bearer token sent came from ({@code RUNCMD_TOKEN}, a file...), or null when none was sent. */
    public String credentialSource() {
        return credentialSource;
    }

    /** 401: the credential is missing, malformed, expired or unknown. */
    public boolean isUnauthenticated() {
        return status == 401;
    }

    /** 403: the caller is known but holds no role allowing the action at that scope. */
    public boolean isForbidden() {
        return status == 403;
    }

    @Override
    public String toString() {
        return code + " (HTTP " + status + "): " + getMessage();
    }
}
