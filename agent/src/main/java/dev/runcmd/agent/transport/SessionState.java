package dev.runcmd.agent.transport;

/** The lifecycle of the agent's session with a gateway. */
public enum SessionState {
    /** Created; {@link Session#start()} was not called yet. */
    IDLE,
    /** A stream is open and Hello was sent; waiting for Welcome (at most 10 s). */
    CONNECTING,
    /** Welcome arrived: queued messages flow and heartbeats are sent. */
    OPEN,
    /** The last stream ended; a reconnect is scheduled after a backoff delay. */
    BACKING_OFF,
    /** Stopped for good; nothing reconnects. */
    CLOSED
}
