package dev.runcmd.control.output.http;

import dev.runcmd.control.job.output.JobCursor;
import dev.runcmd.control.job.output.TargetEnd;
import dev.runcmd.control.job.output.TargetOutput;
import dev.runcmd.control.output.FollowFailure;

/**
 * Turns the events of a job's merged output into the bytes of one HTTP body format; each method returns the bytes
 * to send, or null for none. Called on the follower's context, one call at a time; an instance serves one
 * response. {@code at} is the cursor right after the event.
 */
interface JobBodyFormat {

    /** Bytes sent before any event, as soon as the client can take them; or null. */
    byte[] prologue();

    /** Output of one target. */
    byte[] output(TargetOutput output, JobCursor at);

    /** A target ended. */
    byte[] end(TargetEnd end, JobCursor at);

    /** The last bytes of the body. */
    byte[] done(String provisioningState, JobCursor at);

    /** Traffic for an idle connection, or null. */
    byte[] keepalive();

    /** An error the format can carry in the body, or null when it cannot (the connection is then closed). */
    byte[] error(FollowFailure failure);
}
