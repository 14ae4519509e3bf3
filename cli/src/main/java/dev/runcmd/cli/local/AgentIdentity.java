package dev.runcmd.cli.local;

/**
 * The scope an agent registers into.
 *
 * @param subscriptionId the subscription id
 * @param resourceGroup the resource group
 * @param machineName the machine's name
 */
public record AgentIdentity(String subscriptionId, String resourceGroup, String machineName) {
}
