package dev.runcmd.control.output;

import java.util.UUID;

/**
 * The execution whose output a request reads, with its status at the time it was found.
 *
 * @param executionId the execution
 * @param status its status when the request was resolved
 */
public record OutputTarget(UUID executionId, ExecutionStatus status) {
}
