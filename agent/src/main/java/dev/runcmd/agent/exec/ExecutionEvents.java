package dev.runcmd.agent.exec;

/** What an {@link Execution} tells its owner ({@link Executions}). */
interface ExecutionEvents {
    /** The script wrote output (called on the watcher thread; must return promptly). */
    void onOutput();

    /** Exited was handed to the tail (or giving it out was abandoned because the agent stops). */
    void onExited(Execution execution);
}
