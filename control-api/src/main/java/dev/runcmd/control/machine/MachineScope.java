package dev.runcmd.control.machine;

/**
 * Where a machine lives and what it is called: the three names of its ARM resource id.
 *
 * @param subscriptionId the subscription, the outer tenancy scope
 * @param resourceGroup the resource group inside the subscription
 * @param machineName the machine's name, unique inside its resource group
 */
public record MachineScope(String subscriptionId, String resourceGroup, String machineName) {

    /** The ARM resource type of machines. */
    public static final String TYPE = "Microsoft.HybridCompute/machines";

    /** The ARM resource id of the machine. */
    public String resourceId() {
        return groupPath(subscriptionId, resourceGroup) + "/providers/" + TYPE + "/" + machineName;
    }

    /** The ARM resource id of one of the machine's run commands. */
    public String runCommandId(String runCommandName) {
        return resourceId() + "/runCommands/" + runCommandName;
    }

    private static String groupPath(String subscriptionId, String resourceGroup) {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup;
    }
}
