package dev.runcmd.control.output;

/** Why a follower ended without its end event; each sink turns it into its own error (gRPC status, SSE event). */
public enum FollowFailure {

    /** The run command or the execution was deleted while it was read. */
    DELETED("The run command or its execution was deleted."),
    /** The client took nothing for longer than the stall timeout. */
    STALLED("The client read no output for longer than the stall timeout; reconnect from the last offsets received."),
    /** The output store could not be read. */
    UNAVAILABLE("The output could not be read; retry from the last offsets received."),
    /** The control API is shutting down; the client resumes against another replica. */
    SHUTTING_DOWN("control-api shutting down; resume from the last offsets received.");

    private final String message;

    FollowFailure(String message) {
        this.message = message;
    }

    /** A sentence for the client. */
    public String message() {
        return message;
    }
}
