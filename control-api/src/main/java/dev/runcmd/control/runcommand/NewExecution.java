package dev.runcmd.control.runcommand;

import java.time.OffsetDateTime;
import java.util.UUID;

/** Builds the row of a new execution: a Pending snapshot of everything the agent needs from its run command. */
final class NewExecution {

    private NewExecution() {
    }

    /** A Pending execution of the run command as it is defined now. */
    static ExecutionEntity of(RunCommandEntity command, OffsetDateTime now) {
        ExecutionEntity execution = new ExecutionEntity();
        execution.id = UUID.randomUUID();
        execution.runCommandId = command.id;
        execution.machineId = command.machineId;
        execution.runCommandName = command.name;
        execution.state = ExecutionState.PENDING.stored();
        execution.message = "";
        execution.script = command.script;
        execution.parametersJson = command.parametersJson;
        execution.protectedParametersJson = command.protectedParametersJson;
        execution.timeoutSeconds = command.timeoutSeconds;
        execution.createdAt = now;
        return execution;
    }
}
