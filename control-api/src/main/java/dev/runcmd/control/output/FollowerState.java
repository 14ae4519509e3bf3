package dev.runcmd.control.output;

/** The lifecycle of one {@link Follower}; every transition happens on the follower's Vert.x context. */
enum FollowerState {

    /** Nothing to deliver; reads the next batch when something may have changed and the client can take it. */
    IDLE,
    /** A batch read from PostgreSQL is in flight. */
    READING,
    /** Events of the last batch wait for the client to take them. */
    SENDING,
    /** The end or a failure was delivered, or the client went away; nothing happens any more. */
    ENDED
}
