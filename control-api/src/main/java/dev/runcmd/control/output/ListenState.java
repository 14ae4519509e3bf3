package dev.runcmd.control.output;

/** The lifecycle of the {@link OutputHub}'s LISTEN connection. */
enum ListenState {

    /** Not connected yet; the first connection attempt is under way or scheduled. */
    CONNECTING,
    /** LISTEN is active: notifications arrive as chunks and state changes commit. */
    LISTENING,
    /** The connection was lost; the subscriber reconnects, and followers wake on their safety poll meanwhile. */
    RECONNECTING,
    /** The application is stopping; no reconnect. */
    CLOSED
}
