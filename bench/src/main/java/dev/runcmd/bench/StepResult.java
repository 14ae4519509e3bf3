package dev.runcmd.bench;

/**
 * One finished step of a sweep.
 *
 * @param clients its concurrent clients
 * @param seconds from its start until its last client finished (in-flight requests run past the deadline)
 * @param tally its requests
 * @param recoveryMillis how long after the step a plain GET took to answer 200 again; -1 if not within the bound
 */
record StepResult(int clients, double seconds, StepTally tally, long recoveryMillis) {

    double requestsPerSecond() {
        return tally.requests() / seconds;
    }

    /** Answers 2xx per second: the work done, as against the answers given. */
    double successesPerSecond() {
        return tally.count(Outcome.SUCCESS) / seconds;
    }
}
