package dev.runcmd.control.jointoken;

import dev.runcmd.control.arm.ResourceNames;

/**
 * The resource group a join token enrolls machines into. Its names end up in machine certificates, so both must
 * follow {@link ResourceNames#requireSubscription} and {@link ResourceNames#requireResourceGroup}.
 *
 * @param subscriptionId the subscription
 * @param resourceGroup the resource group inside it
 */
public record JoinTokenScope(String subscriptionId, String resourceGroup) {

    /** The ARM resource type of join tokens. */
    public static final String TYPE = "Microsoft.HybridCompute/joinTokens";

    /** The scope, or 400 InvalidSubscriptionId / InvalidResourceGroup when a name breaks its rule. */
    public static JoinTokenScope of(String subscriptionId, String resourceGroup) {
        return new JoinTokenScope(ResourceNames.requireSubscription(subscriptionId),
                ResourceNames.requireResourceGroup(resourceGroup));
    }

    /** The ARM resource id of one of the group's join tokens. */
    public String resourceId(String id) {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup + "/providers/" + TYPE + "/"
                + id;
    }
}
