package dev.runcmd.control.grpc;

import dev.runcmd.control.arm.ArmTime;
import dev.runcmd.control.jointoken.JoinTokenEntity;
import dev.runcmd.control.machine.MachineEntity;
import dev.runcmd.control.machine.MachineTags;
import dev.runcmd.control.operation.OperationView;
import dev.runcmd.control.runcommand.ExecutionEntity;
import dev.runcmd.control.runcommand.ExecutionView;
import dev.runcmd.control.runcommand.RunCommandEntity;
import dev.runcmd.control.runcommand.RunCommandSnapshot;
import dev.runcmd.control.runcommand.RunCommandView;
import dev.runcmd.proto.v1.Execution;
import dev.runcmd.proto.v1.JoinToken;
import dev.runcmd.proto.v1.Machine;
import dev.runcmd.proto.v1.Operation;
import dev.runcmd.proto.v1.Parameter;
import dev.runcmd.proto.v1.RunCommand;
import dev.runcmd.proto.v1.SystemData;
import java.time.OffsetDateTime;

/** Builds the public gRPC messages from the same snapshots the REST views use, so both APIs agree. */
final class ProtoViews {

    private ProtoViews() {
    }

    /** The public message of a machine. */
    static Machine machine(MachineEntity machine) {
        return Machine.newBuilder()
                .setId(machine.scope().resourceId())
                .setName(machine.name)
                .setStatus(machine.status)
                .setOsName(machine.osName)
                .setOsVersion(machine.osVersion)
                .setAgentVersion(machine.agentVersion)
                .setLastStatusChange(time(machine.lastStatusChange))
                .putAllTags(MachineTags.merged(machine))
                .putAllAgentTags(MachineTags.read(machine.agentTagsJson))
                .build();
    }

    /** The public message of a join token, never with its secret. */
    static JoinToken joinToken(JoinTokenEntity row) {
        return JoinToken.newBuilder()
                .setId(row.scope().resourceId(row.id))
                .setName(row.id)
                .setMachineName(orEmpty(row.machineName))
                .setExpiresAt(time(row.expiresAt))
                .setUsesLeft(row.usesLeft)
                .setCreatedAt(time(row.createdAt))
                .build();
    }

    /**
     * The public message of a run command and its current execution, built from the REST view so both APIs show
     * the same values; protected parameters are never in it.
     */
    static RunCommand runCommand(RunCommandSnapshot snapshot) {
        RunCommandView view = RunCommandView.of(snapshot);
        RunCommandView.InstanceView instance = view.properties().instanceView();
        RunCommandEntity command = snapshot.command();
        ExecutionEntity execution = snapshot.execution();
        return RunCommand.newBuilder()
                .setId(view.id())
                .setName(view.name())
                .setProvisioningState(view.properties().provisioningState())
                .setExecutionState(instance.executionState())
                .setExecutionMessage(instance.executionMessage())
                .setExitCode(instance.exitCode())
                .setOutput(instance.output())
                .setError(instance.error())
                .setStartTime(orEmpty(instance.startTime()))
                .setEndTime(orEmpty(instance.endTime()))
                .setExecutionId(execution == null ? "" : execution.id.toString())
                .setScript(orEmpty(command.script))
                .addAllParameters(view.properties().parameters().stream().map(ProtoViews::parameter).toList())
                .setTimeoutInSeconds(view.properties().timeoutInSeconds())
                .setDeliveryTimeoutInSeconds(view.properties().deliveryTimeoutInSeconds())
                .setLocation(view.location())
                .putAllTags(view.tags())
                .setAsyncExecution(view.properties().asyncExecution())
                .setScriptUri(orEmpty(view.properties().source().scriptUri()))
                .setCommandId(orEmpty(view.properties().source().commandId()))
                .setRunAsUser(orEmpty(view.properties().runAsUser()))
                .setOutputBlobUri(orEmpty(view.properties().outputBlobUri()))
                .setErrorBlobUri(orEmpty(view.properties().errorBlobUri()))
                .addAllDependsOn(view.properties().dependsOn())
                .setSystemData(systemData(view.systemData()))
                .build();
    }

    /** ARM's systemData as the REST view shows it. */
    private static SystemData systemData(RunCommandView.SystemData view) {
        return SystemData.newBuilder()
                .setCreatedBy(view.createdBy())
                .setCreatedByType(view.createdByType())
                .setCreatedAt(orEmpty(view.createdAt()))
                .setLastModifiedBy(view.lastModifiedBy())
                .setLastModifiedByType(view.lastModifiedByType())
                .setLastModifiedAt(orEmpty(view.lastModifiedAt()))
                .build();
    }

    /** The public message of one execution in a run command's history, from the REST view. */
    static Execution execution(ExecutionEntity entity) {
        ExecutionView view = ExecutionView.of(entity);
        Execution.Builder execution = Execution.newBuilder()
                .setExecutionId(view.executionId())
                .setExecutionState(view.executionState())
                .setExecutionMessage(orEmpty(view.executionMessage()))
                .setStartTime(orEmpty(view.startTime()))
                .setEndTime(orEmpty(view.endTime()))
                .setCreatedTime(orEmpty(view.createdTime()));
        if (view.exitCode() != null) {
            execution.setExitCode(view.exitCode());
        }
        return execution.build();
    }

    /** The public message of a long-running operation, from REST's status monitor view. */
    static Operation operation(OperationView view) {
        return Operation.newBuilder()
                .setId(view.id())
                .setName(view.name())
                .setStatus(view.status())
                .setStartTime(orEmpty(view.startTime()))
                .setEndTime(orEmpty(view.endTime()))
                .setErrorCode(view.error() == null ? "" : orEmpty(view.error().code()))
                .setErrorMessage(view.error() == null ? "" : orEmpty(view.error().message()))
                .build();
    }

    private static Parameter parameter(dev.runcmd.control.runcommand.Parameter parameter) {
        return Parameter.newBuilder().setName(parameter.name()).setValue(parameter.value()).build();
    }

    static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    /** RFC 3339 in UTC, or empty when there is no time. */
    private static String time(OffsetDateTime time) {
        String formatted = ArmTime.format(time);
        return formatted == null ? "" : formatted;
    }
}
