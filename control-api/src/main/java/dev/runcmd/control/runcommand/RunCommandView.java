package dev.runcmd.control.runcommand;

import dev.runcmd.control.arm.ArmTime;
import java.util.List;
import java.util.Map;

/**
 * The REST shape of a run command, Azure's MachineRunCommand. {@code protectedParameters} is always empty and
 * {@code runAsPassword} never appears: secrets go in, never out.
 *
 * @param id the ARM resource id
 * @param name the run command name
 * @param type always {@value #TYPE}
 * @param location the location given on PUT
 * @param tags the tags given on PUT
 * @param systemData when it was created and last changed
 * @param properties the definition and its instanceView
 */
public record RunCommandView(String id, String name, String type, String location, Map<String, String> tags,
        SystemData systemData, Properties properties) {

    /** The ARM resource type of run commands. */
    public static final String TYPE = "Microsoft.HybridCompute/machines/runCommands";

    /**
     * ARM's systemData, reduced to the times runcmd knows.
     *
     * @param createdAt when the run command was created, ISO-8601 UTC
     * @param lastModifiedAt when a PUT last changed it, ISO-8601 UTC
     */
    public record SystemData(String createdAt, String lastModifiedAt) {
    }

    /**
     * The definition and its instanceView.
     *
     * @param source the script source
     * @param parameters the parameters, in request order
     * @param protectedParameters always empty
     * @param asyncExecution the asyncExecution flag
     * @param timeoutInSeconds the timeout, 0 for none
     * @param provisioningState the stored provisioning state
     * @param instanceView the state of the current execution
     */
    public record Properties(Source source, List<Parameter> parameters, List<Parameter> protectedParameters,
            boolean asyncExecution, int timeoutInSeconds, String provisioningState, InstanceView instanceView) {
    }

    /**
     * The script source; only inline scripts so far.
     *
     * @param script the inline script
     */
    public record Source(String script) {
    }

    /**
     * Azure's instanceView of the current execution.
     *
     * @param executionState Unknown, Pending, Running, Succeeded, Failed, TimedOut or Canceled
     * @param executionMessage the execution's message
     * @param exitCode the exit code, 0 until there is one
     * @param output the last 4096 bytes of stdout as text
     * @param error the last 4096 bytes of stderr as text
     * @param startTime when the script started, or null
     * @param endTime when it ended, or null
     */
    public record InstanceView(String executionState, String executionMessage, int exitCode, String output,
            String error, String startTime, String endTime) {
    }

    /** Builds the view of a snapshot. */
    public static RunCommandView of(RunCommandSnapshot snapshot) {
        RunCommandEntity command = snapshot.command();
        return new RunCommandView(snapshot.scope().runCommandId(command.name), command.name, TYPE,
                command.location, JsonColumns.readTags(command.tagsJson),
                new SystemData(ArmTime.format(command.createdAt), ArmTime.format(command.updatedAt)),
                new Properties(new Source(command.script), JsonColumns.readParameters(command.parametersJson),
                        List.of(), command.asyncExecution, command.timeoutSeconds, command.provisioningState,
                        instanceView(snapshot)));
    }

    private static InstanceView instanceView(RunCommandSnapshot snapshot) {
        ExecutionEntity execution = snapshot.execution();
        return new InstanceView(snapshot.executionState(), snapshot.executionMessage(), snapshot.exitCode(),
                snapshot.tail().output(), snapshot.tail().error(),
                execution == null ? null : ArmTime.format(execution.startTime),
                execution == null ? null : ArmTime.format(execution.endTime));
    }
}
