package dev.runcmd.control.grpc;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.PageRequest;
import dev.runcmd.control.arm.ResourceNames;
import dev.runcmd.control.job.JobScope;
import dev.runcmd.control.jointoken.JoinTokenScope;
import dev.runcmd.control.machine.MachineScope;
import dev.runcmd.proto.v1.JobRef;
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

    /**
     * The scope named by a job reference: every field is required and must follow its REST name rule (the name is
     * that of the run command the job creates).
     */
    static JobScope jobScope(JobRef ref) {
        requireGroup(ref.getSubscriptionId(), ref.getResourceGroup(), "job.");
        return new JobScope(checked("job.subscription_id", ref.getSubscriptionId(), ResourceNames::requireSubscription),
                checked("job.resource_group", ref.getResourceGroup(), ResourceNames::requireResourceGroup),
                checked("job.name", ref.getName(), ResourceNames::requireRunCommand));
    }

    /**
     * The id of a resource group's jobs, on which REST authorizes their list; INVALID_ARGUMENT when the subscription
     * id or the resource group is missing or breaks its rule.
     */
    static String jobsId(String subscriptionId, String resourceGroup) {
        requireGroup(subscriptionId, resourceGroup, "");
        return JobScope.collectionId(checked("subscription_id", subscriptionId, ResourceNames::requireSubscription),
                checked("resource_group", resourceGroup, ResourceNames::requireResourceGroup));
    }

    /**
     * A list's page from {@code page_size} (0: the configured default) and {@code page_token} (empty: the first
     * page), by REST's rules for {@code $top} and {@code $skipToken}; INVALID_ARGUMENT naming the gRPC field, not
     * the query parameter REST's message names, when either breaks them.
     */
    static PageRequest page(int pageSize, String pageToken, int defaultSize, String kind) {
        if (pageSize < 0 || pageSize > PageRequest.MAX_SIZE) {
            throw GrpcErrors.invalidArgument("page_size: must be from 1 to " + PageRequest.MAX_SIZE
                    + ", or 0 for the default; got " + pageSize);
        }
        try {
            return PageRequest.of(pageSize == 0 ? null : Integer.toString(pageSize),
                    pageToken.isEmpty() ? null : pageToken, defaultSize, kind);
        } catch (ArmException e) {
            throw GrpcErrors.invalidArgument("page_token: not a token this list issued; pass the next_page_token "
                    + "of the previous answer");
        }
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
