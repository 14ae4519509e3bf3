package dev.runcmd.gateway.store;

/**
 * What a session needs to know about an execution its agent reports on.
 *
 * @param machineId the machine the execution belongs to
 * @param stdoutEnd bytes of stdout accounted for (stored plus dropped past the cap)
 * @param stderrEnd bytes of stderr accounted for (stored plus dropped past the cap)
 */
public record ExecutionFacts(long machineId, long stdoutEnd, long stderrEnd) {
}
