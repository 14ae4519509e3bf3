package dev.runcmd.gateway.lifecycle;

/**
 * Whether this replica is registered in the {@code gateway} table.
 */
public enum RegistrationState {
    /** Not registered yet; registration is being attempted, and retried while the store fails. */
    REGISTERING,
    /** The gateway row exists and its heartbeat is refreshed every heartbeat interval. */
    REGISTERED,
    /** Shutting down: agent streams are ended and the gateway row is removed. */
    STOPPING
}
