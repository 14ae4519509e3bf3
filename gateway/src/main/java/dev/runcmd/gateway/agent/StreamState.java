package dev.runcmd.gateway.agent;

/**
 * The lifecycle of one agent stream on this gateway.
 */
enum StreamState {
    /** The stream is open and its first message, which must be Hello, has not arrived. */
    AWAITING_HELLO,
    /** A valid Hello arrived; the session is being recorded and registered. */
    OPENING,
    /** The session is registered; progress messages are handled one at a time. */
    OPEN,
    /** The stream ended (by either side); nothing more is read or written. */
    CLOSED
}
