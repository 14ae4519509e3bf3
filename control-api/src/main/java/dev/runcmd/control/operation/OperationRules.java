package dev.runcmd.control.operation;

import dev.runcmd.control.runcommand.ExecutionEntity;
import dev.runcmd.state.ExecutionState;
import dev.runcmd.control.runcommand.ProvisioningState;
import dev.runcmd.control.runcommand.RunCommandEntity;
import java.time.OffsetDateTime;

/**
 * Derives the status of a PUT or PATCH operation from the execution it tracks, as ARM's run command does:
 *
 * <ul>
 *   <li>Canceled when the execution was canceled (by cancel, update, delete or a failed dependency), or is gone;
 *   <li>Failed when the platform could not run it: the run command's provisioningState is Failed while this is
 *       its current execution (the agent rejected it), or, once superseded, it failed without an exit code;
 *   <li>Succeeded when it ended Succeeded, Failed (the script's exit code) or TimedOut: the platform ran it;
 *   <li>with asyncExecution, Succeeded as soon as it is Running;
 *   <li>InProgress otherwise.
 * </ul>
 */
public final class OperationRules {

    /** The error code of a Canceled operation. */
    static final String CANCELED_CODE = "Canceled";

    /** The error code of a Failed operation. */
    static final String FAILED_CODE = "RunCommandFailed";

    /**
     * A derived status.
     *
     * @param status the status
     * @param endTime when it became final, or null while InProgress
     * @param errorCode the error code of a Failed or Canceled status, else null
     * @param errorMessage the error message of a Failed or Canceled status, else null
     */
    public record Derived(OperationStatus status, OffsetDateTime endTime, String errorCode, String errorMessage) {

        static final Derived IN_PROGRESS = new Derived(OperationStatus.IN_PROGRESS, null, null, null);
    }

    private OperationRules() {
    }

    /**
     * The status of a PUT or PATCH operation tracking {@code execution} (null when deleted) of {@code command}
     * (null when deleted); {@code now} stands in for a missing end time.
     */
    public static Derived derive(boolean asyncExecution, ExecutionEntity execution, RunCommandEntity command,
            OffsetDateTime now) {
        if (execution == null) {
            return new Derived(OperationStatus.CANCELED, now, CANCELED_CODE, OperationRepository.DELETED);
        }
        ExecutionState state = execution.executionState();
        if (state == ExecutionState.CANCELED) {
            return new Derived(OperationStatus.CANCELED, orNow(execution.endTime, now), CANCELED_CODE,
                    execution.message);
        }
        if (state.isTerminal()) {
            return platformFailed(execution, command)
                    ? new Derived(OperationStatus.FAILED, orNow(execution.endTime, now), FAILED_CODE, failure(execution))
                    : new Derived(OperationStatus.SUCCEEDED, orNow(execution.endTime, now), null, null);
        }
        if (asyncExecution && state == ExecutionState.RUNNING) {
            return new Derived(OperationStatus.SUCCEEDED, orNow(execution.startTime, now), null, null);
        }
        return Derived.IN_PROGRESS;
    }

    private static boolean platformFailed(ExecutionEntity execution, RunCommandEntity command) {
        boolean current = command != null && execution.id.equals(command.currentExecutionId);
        if (current) {
            return ProvisioningState.FAILED.stored().equals(command.provisioningState);
        }
        return execution.executionState() == ExecutionState.FAILED && execution.exitCode == null;
    }

    private static String failure(ExecutionEntity execution) {
        return execution.message == null || execution.message.isEmpty()
                ? "The platform could not run the run command." : execution.message;
    }

    private static OffsetDateTime orNow(OffsetDateTime time, OffsetDateTime now) {
        return time == null ? now : time;
    }
}
