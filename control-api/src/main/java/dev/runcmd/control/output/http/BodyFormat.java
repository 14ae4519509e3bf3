package dev.runcmd.control.output.http;

import dev.runcmd.control.output.ExecutionStatus;
import dev.runcmd.control.output.FollowFailure;
import dev.runcmd.control.output.StdStream;
import java.util.UUID;

/**
 * Turns a follower's events into the bytes of one HTTP body format. Each method returns the bytes to send, or
 * null when there is nothing to send for that event. Called on the follower's context, one call at a time; an
 * instance serves one response.
 */
interface BodyFormat {


    /** Bytes sent as soon as the client can take them, before any output (they flush the headers); or null. */
    byte[] prologue();

    /** Bytes of one stream at {@code offset}. */
    byte[] chunk(StdStream stream, long offset, byte[] data);

    /** The stream hit the output cap. */
    byte[] truncated(StdStream stream, long capBytes);

    /** Traffic for an idle connection. */
    byte[] keepalive();

    /** The last bytes of the body. */
    byte[] end(UUID executionId, ExecutionStatus status);

    /** An error the format can carry in the body, or null when it cannot (the connection is then closed). */
    byte[] error(FollowFailure failure);
}
