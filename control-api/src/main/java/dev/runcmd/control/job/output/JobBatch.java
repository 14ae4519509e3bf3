package dev.runcmd.control.job.output;

import dev.runcmd.control.output.ExecutionStatus;
import dev.runcmd.control.output.StoredChunk;
import java.util.List;
import java.util.UUID;

/**
 * One read of a job's merged output, all from one snapshot: the job's state, its released targets whose end has
 * not been delivered, and their next chunks in storage order.
 *
 * @param provisioningState the job's state
 * @param targets the targets read, by position
 * @param chunks their chunks after the reader's offsets, by seq: a target-stream's chunks in offset order
 */
record JobBatch(String provisioningState, List<TargetStatus> targets, List<TargetChunk> chunks) {

    /**
     * A target and its execution.
     *
     * @param position its position in the job
     * @param machine its machine's name
     * @param executionId its execution
     * @param status the execution's status, or null when the execution is gone (its run command was deleted or
     *     replaced by hand)
     */
    record TargetStatus(int position, String machine, UUID executionId, ExecutionStatus status) {
    }

    /**
     * A chunk of a target's output.
     *
     * @param position the target's position
     * @param chunk the chunk
     */
    record TargetChunk(int position, StoredChunk chunk) {
    }
}
