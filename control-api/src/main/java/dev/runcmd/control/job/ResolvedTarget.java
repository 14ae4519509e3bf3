package dev.runcmd.control.job;

/**
 * A machine a job runs on.
 *
 * @param machineId its database id
 * @param name its name
 */
record ResolvedTarget(long machineId, String name) {
}
