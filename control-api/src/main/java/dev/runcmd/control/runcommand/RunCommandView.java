package dev.runcmd.control.runcommand;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.runcmd.control.arm.ArmTime;
import java.util.List;
import java.util.Map;

/**
 * The REST shape of a run command, Azure's MachineRunCommand. {@code protectedParameters} is always empty and
 * {@code runAsPassword} never appears: secrets go in, never out. Members without a value ({@code runAsUser}, the
 * blob URLs, the source kinds not used) are left out, as Azure does.
 *
 * @param id the ARM resource id
 * @param name the run command name
 * @param type always {@value #TYPE}
 * @param location the location given on PUT
 * @param tags the tags given on PUT
 * @param systemData who created and last changed it, and when
 * @param properties the definition and its instanceView
 */
public record RunCommandView(String id, String name, String type, String location, Map<String, String> tags,
        SystemData systemData, Properties properties) {

    /** The ARM resource type of run commands. */
    public static final String TYPE = "Microsoft.HybridCompute/machines/runCommands";

    /** The createdByType and lastModifiedByType of rows written before callers had an identity: runcmd's. */
    static final String ACTOR_TYPE = "Application";

    /**
     * ARM's systemData.
     *
     * @param createdBy who created the run command
     * @param createdByType the kind of creator, "Application"
     * @param createdAt when the run command was created, ISO-8601 UTC
     * @param lastModifiedBy who last changed it
     * @param lastModifiedByType the kind of modifier, "Application"
     * @param lastModifiedAt when a PUT or PATCH last changed it, ISO-8601 UTC
     */
    public record SystemData(String createdBy, String createdByType, String createdAt, String lastModifiedBy,
            String lastModifiedByType, String lastModifiedAt) {
    }

    /**
     * The definition and its instanceView.
     *
     * @param source the script source
     * @param parameters the parameters, in request order
     * @param protectedParameters always empty
     * @param runAsUser the user the script runs as, absent for the agent's own
     * @param asyncExecution the asyncExecution flag
     * @param timeoutInSeconds the timeout, 0 for none
     * @param deliveryTimeoutInSeconds how long an execution waits for its offline machine (a runcmd addition)
     * @param outputBlobUri where the full stdout is uploaded, absent for none
     * @param errorBlobUri where the full stderr is uploaded, absent for none
     * @param dependsOn run commands that must succeed first (a runcmd addition)
     * @param provisioningState the stored provisioning state
     * @param instanceView the state of the current execution
     */
    public record Properties(Source source, List<Parameter> parameters, List<Parameter> protectedParameters,
            @JsonInclude(JsonInclude.Include.NON_NULL) String runAsUser, boolean asyncExecution,
            int timeoutInSeconds, int deliveryTimeoutInSeconds, @JsonInclude(JsonInclude.Include.NON_NULL) String outputBlobUri,
            @JsonInclude(JsonInclude.Include.NON_NULL) String errorBlobUri, List<String> dependsOn,
            String provisioningState, InstanceView instanceView) {
    }

    /**
     * The script source: exactly one member is present.
     *
     * @param script the inline script
     * @param scriptUri the URL the agent downloads the script from
     * @param commandId the built-in command
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Source(String script, String scriptUri, String commandId) {
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
        ScriptSource source = ScriptSource.of(command);
        return new RunCommandView(snapshot.scope().runCommandId(command.name), command.name, TYPE,
                command.location, JsonColumns.readTags(command.tagsJson), systemData(command),
                new Properties(new Source(source.script(), source.scriptUri(), source.commandId()),
                        JsonColumns.readParameters(command.parametersJson), List.of(), command.runAsUser,
                        command.asyncExecution, command.timeoutSeconds, command.deliveryTimeoutSeconds,
                        snapshot.blobs().outputBlobUri(), snapshot.blobs().errorBlobUri(),
                        JsonColumns.readNames(command.dependsOnJson), command.provisioningState,
                        instanceView(snapshot)));
    }

    private static SystemData systemData(RunCommandEntity command) {
        return new SystemData(orActor(command.createdBy), orActorType(command.createdByType),
                ArmTime.format(command.createdAt), orActor(command.lastModifiedBy),
                orActorType(command.lastModifiedByType), ArmTime.format(command.updatedAt));
    }

    /** Rows written before V4 have no creator; runcmd wrote them. */
    private static String orActor(String actor) {
        return actor == null ? StoredDefinition.ACTOR : actor;
    }

    private static String orActorType(String type) {
        return type == null ? ACTOR_TYPE : type;
    }

    private static InstanceView instanceView(RunCommandSnapshot snapshot) {
        ExecutionEntity execution = snapshot.execution();
        return new InstanceView(snapshot.executionState(), snapshot.executionMessage(), snapshot.exitCode(),
                snapshot.tail().output(), snapshot.tail().error(),
                execution == null ? null : ArmTime.format(execution.startTime),
                execution == null ? null : ArmTime.format(execution.endTime));
    }
}
