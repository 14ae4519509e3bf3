package dev.runcmd.control.grpc;

import dev.runcmd.control.arm.ArmTime;
import dev.runcmd.control.machine.MachineEntity;
import dev.runcmd.control.runcommand.ExecutionEntity;
import dev.runcmd.control.runcommand.RunCommandSnapshot;
import dev.runcmd.proto.v1.Machine;
import dev.runcmd.proto.v1.RunCommand;
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
                .build();
    }

    /** The public message of a run command and its current execution; never any parameter. */
    static RunCommand runCommand(RunCommandSnapshot snapshot) {
        ExecutionEntity execution = snapshot.execution();
        return RunCommand.newBuilder()
                .setId(snapshot.scope().runCommandId(snapshot.command().name))
                .setName(snapshot.command().name)
                .setProvisioningState(snapshot.command().provisioningState)
                .setExecutionState(snapshot.executionState())
                .setExecutionMessage(snapshot.executionMessage())
                .setExitCode(snapshot.exitCode())
                .setOutput(snapshot.tail().output())
                .setError(snapshot.tail().error())
                .setStartTime(execution == null ? "" : time(execution.startTime))
                .setEndTime(execution == null ? "" : time(execution.endTime))
                .build();
    }

    /** RFC 3339 in UTC, or empty when there is no time. */
    private static String time(OffsetDateTime time) {
        String formatted = ArmTime.format(time);
        return formatted == null ? "" : formatted;
    }
}
