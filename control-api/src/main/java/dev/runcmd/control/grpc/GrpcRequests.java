package dev.runcmd.control.grpc;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.ResourceNames;
import dev.runcmd.control.jointoken.JoinTokenScope;
import dev.runcmd.control.machine.MachineScope;
import dev.runcmd.proto.v1.MachineRef;
import java.util.function.UnaryOperator;

/** Checks the identifying fields of public gRPC requests, failing with INVALID_ARGUMENT. */
final class GrpcRequests {

    private GrpcRequests() {
    }

    /** The scope named by a machine reference; every field is required and the name must be valid. */
    static MachineScope scope(MachineRef ref) {
        requireGroup(ref.getSubscriptionId(), ref.getResourceGroup(), "machine.");
        return new MachineScope(ref.getSubscriptionId(), ref.getResourceGroup(),
                checked("machine.machine_name", ref.getMachineName(), ResourceNames::requireMachine));
    }

    /** A run command name, which must match its resource name pattern. */
    static String runCommandName(String name) {
        return checked("name", name, ResourceNames::requireRunCommand);
    }

    /**
     * The scope of join tokens; INVALID_ARGUMENT when the subscription id or the resource group is missing or breaks
     * its rule (they are written into certificates).
     */
    static JoinTokenScope joinTokenScope(String subscriptionId, String resourceGroup) {
        requireGroup(subscriptionId, resourceGroup, "");
        return new JoinTokenScope(checked("subscription_id", subscriptionId, ResourceNames::requireSubscription),
                checked("resource_group", resourceGroup, ResourceNames::requireResourceGroup));
    }

    /** A join token id: 16 lower-case hex digits. */
    static String joinTokenId(String id) {
        return checked("name", id, ResourceNames::requireJoinTokenId);
    }

    /** The value a REST name rule accepts, or INVALID_ARGUMENT naming the field with the rule's message. */
    private static String checked(String field, String value, UnaryOperator<String> rule) {
        try {
            return rule.apply(value);
        } catch (ArmException e) {
            throw GrpcErrors.invalidArgument(field + ": " + e.getMessage());
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
