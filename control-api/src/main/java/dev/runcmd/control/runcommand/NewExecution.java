package dev.runcmd.control.runcommand;

import dev.runcmd.control.tracing.Traceparent;
import dev.runcmd.state.ExecutionState;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Builds the row of a new execution: a snapshot of everything the agent needs from its run command (secrets stay
 * sealed; the gateway opens them), Pending and waiting as its {@link DependencyPlan} says, or Canceled at once
 * when a dependency already ended otherwise.
 */
final class NewExecution {

    private NewExecution() {
    }

    /** A new execution of the run command as it is defined now. */
    static ExecutionEntity of(RunCommandEntity command, DependencyPlan plan, OffsetDateTime now) {
        ExecutionEntity execution = new ExecutionEntity();
        execution.id = UUID.randomUUID();
        execution.runCommandId = command.id;
        execution.machineId = command.machineId;
        execution.runCommandName = command.name;
        execution.state = (plan.canceled() ? ExecutionState.CANCELED : ExecutionState.PENDING).stored();
        execution.message = plan.message();
        execution.endTime = plan.canceled() ? now : null;
        execution.waitingForText = plan.waitingForText();
        script(command, execution);
        execution.scriptUri = command.scriptUri;
        execution.parametersJson = command.parametersJson;
        execution.protectedParametersJson = command.protectedParametersJson;
        execution.protectedParametersSealed = command.protectedParametersSealed;
        execution.runAsUser = command.runAsUser;
        execution.runAsPasswordSealed = command.runAsPasswordSealed;
        execution.outputBlobUri = command.outputBlobUri;
        execution.errorBlobUri = command.errorBlobUri;
        execution.timeoutSeconds = command.timeoutSeconds;
        execution.deliverWithinSeconds = command.deliveryTimeoutSeconds;
        execution.createdAt = now;
        execution.traceparent = Traceparent.current().orElse(null);
        return execution;
    }

    /** Resolves the source into what the agent runs: a built-in's script and shell, or the script as given. */
    private static void script(RunCommandEntity command, ExecutionEntity execution) {
        if (command.commandId != null) {
            CommandCatalog.BuiltIn builtIn = CommandCatalog.find(command.commandId).orElseThrow(
                    () -> new IllegalStateException("Unknown stored commandId " + command.commandId));
            execution.script = builtIn.script();
            execution.shell = builtIn.shell().stored();
            return;
        }
        execution.script = command.script == null ? "" : command.script;
        execution.shell = ScriptShell.DEFAULT.stored();
    }
}
