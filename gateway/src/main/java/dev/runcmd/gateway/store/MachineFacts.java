package dev.runcmd.gateway.store;

import java.util.Map;

/**
 * What an agent's Hello says about its machine: where it lives and what runs on it.
 *
 * @param subscriptionId the subscription scope; never empty
 * @param resourceGroup the resource group scope; never empty
 * @param name the machine name, unique inside its resource group
 * @param osName operating system family name
 * @param osVersion operating system version
 * @param agentVersion the agent's own version
 * @param hostName the host name the operating system reports
 * @param policySummary the agent policy in one line, empty without one
 * @param tags the tags from the agent's configuration, already within Azure's limits; empty without any
 */
public record MachineFacts(
        String subscriptionId,
        String resourceGroup,
        String name,
        String osName,
        String osVersion,
        String agentVersion,
        String hostName,
        String policySummary,
        Map<String, String> tags) {
}
