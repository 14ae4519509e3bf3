package dev.runcmd.chaos;

/** The kinds of fault the suite injects. */
enum Fault {
    /** kill -9 of one agent; a new agent process starts on the same work directory after a pause. */
    AGENT_KILL("agent kills"),
    /**
     * SIGTERM to one agent (its default stop mode leaves running scripts alone), as an upgrade
     * does; a new agent starts on the same work directory after a pause and takes them over.
     */
    AGENT_UPGRADE("agent upgrades"),
    /** kill -9 of one gateway; it starts again on the same port after a pause. */
    GATEWAY_KILL("gateway kills"),
    /** kill -9 of the control API; it starts again on the same port after a pause. */
    CONTROL_API_KILL("control-api kills"),
    /** PostgreSQL stops (fast shutdown) and starts again after a pause; the services stay up. */
    DATABASE_RESTART("PostgreSQL restarts"),
    /** Every connection between agents and gateways is reset at once. */
    CONNECTION_DROP("connection drops"),
    /** No byte moves between agents and gateways for a while; connections stay open. */
    CONNECTION_STALL("connection stalls"),
    /**
     * Jobs over every machine (maxConcurrency 1, maxErrors 0) submitted with each round, while one of the other kinds
     * strikes, picked at random: each target must end exactly once, and the job must end and say so truthfully.
     */
    JOB("jobs under faults");

    final String column;

    Fault(String column) {
        this.column = column;
    }
}
