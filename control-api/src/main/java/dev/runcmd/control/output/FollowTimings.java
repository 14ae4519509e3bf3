package dev.runcmd.control.output;

import java.time.Duration;

/**
 * The timers of a follower, in nanoseconds.
 *
 * @param pollNanos how long an idle follower waits for a wake-up before it reads again anyway (safety net)
 * @param keepaliveNanos how long a sink may stay silent before it is asked for a keepalive
 * @param stallNanos how long a client may stay unready before it is cut off
 * @param outageNanos how long a follower waits for an unreachable store before it gives up
 */
record FollowTimings(long pollNanos, long keepaliveNanos, long stallNanos, long outageNanos) {

    /** The timings from durations. */
    static FollowTimings of(Duration poll, Duration keepalive, Duration stall, Duration outage) {
        return new FollowTimings(poll.toNanos(), keepalive.toNanos(), stall.toNanos(), outage.toNanos());
    }
}
