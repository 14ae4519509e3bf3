package dev.runcmd.agent.exec;

/** The lifecycle of one execution inside the agent. */
public enum ExecutionState {
    /** Journaled and Accepted; waits for a free slot (or for its start on a worker). */
    WAITING,
    /** Holds a slot; the script is being downloaded and its process launched. */
    STARTING,
    /** The process runs and its output is being pumped. */
    RUNNING,
    /** An end was requested (cancel, timeout, agent stop); the process tree is being killed. */
    ENDING,
    /** Exited was queued; the execution waits for the gateway's final Ack to be forgotten. */
    EXITED
}
