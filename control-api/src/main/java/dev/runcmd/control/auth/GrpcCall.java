package dev.runcmd.control.auth;

import java.util.Map;

/**
 * One public gRPC call as the activity log sees it: its verified caller, and the action and resource the service
 * authorized it for (set by {@link Access#require(GrpcCall, String, String)}), with a run's extra properties.
 * The call's events are serialized by the transport; the fields are volatile because the service completes on
 * other threads.
 */
public final class GrpcCall {

    private final Caller caller;
    private final String requestId;
    private final String correlationId;
    private volatile String action;
    private volatile String resourceId;
    private volatile Map<String, Object> properties = Map.of();

    GrpcCall(Caller caller, String requestId, String correlationId) {
        this.caller = caller;
        this.requestId = requestId;
        this.correlationId = correlationId;
    }

    /** The call's {@code x-ms-request-id}. */
    public String requestId() {
        return requestId;
    }

    /** The call's {@code x-ms-correlation-request-id}. */
    public String correlationId() {
        return correlationId;
    }

    /** The verified caller. */
    public Caller caller() {
        return caller;
    }

    /** The action the call was authorized for, or null before (or without) authorization. */
    public String action() {
        return action;
    }

    /** The resource the call was authorized on, or null. */
    public String resourceId() {
        return resourceId;
    }

    /** Extra properties for the activity log (a run's script hash and user). */
    public Map<String, Object> properties() {
        return properties;
    }

    /** Sets the extra properties for the activity log. */
    public void properties(Map<String, Object> properties) {
        this.properties = Map.copyOf(properties);
    }

    void authorizing(String action, String resourceId) {
        this.action = action;
        this.resourceId = resourceId;
    }
}
