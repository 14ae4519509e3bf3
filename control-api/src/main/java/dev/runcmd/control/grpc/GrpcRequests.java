package dev.runcmd.control.grpc;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.ResourceNames;
import dev.runcmd.control.machine.MachineScope;
import dev.runcmd.proto.v1.MachineRef;

/** Checks the identifying fields of public gRPC requests, failing with INVALID_ARGUMENT. */
final class GrpcRequests {

    private GrpcRequests() {
    }

    /** The scope named by a machine reference; every field is required and the name must be valid. */
    static MachineScope scope(MachineRef ref) {
        requireGroup(ref.getSubscriptionId(), ref.getResourceGroup(), "machine.");
        try {
            return new MachineScope(ref.getSubscriptionId(), ref.getResourceGroup(),
                    ResourceNames.requireMachine(ref.getMachineName()));
        } catch (ArmException e) {
            throw GrpcErrors.invalidArgument("machine.machine_name: " + e.getMessage());
        }
    }

    /** A run command name, which must match its resource name pattern. */
    static String runCommandName(String name) {
        try {
            return ResourceNames.requireRunCommand(name);
        } catch (ArmException e) {
            throw GrpcErrors.invalidArgument("name: " + e.getMessage());
        }
    }

    /** Requires a subscription id and a resource group. */
    static void requireGroup(String subscriptionId, String resourceGroup, String prefix) {
        if (subscriptionId.isEmpty()) {
            throw GrpcErrors.invalidArgument(prefix + "subscription_id is required");
        }
        if (resourceGroup.isEmpty()) {
            throw GrpcErrors.invalidArgument(prefix + "resource_group is required");
        }
    }
}
