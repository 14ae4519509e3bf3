package dev.runcmd.control.job;

import dev.runcmd.control.machine.MachineScope;

/**
 * Where a job lives: a resource group, and its name there.
 *
 * @param subscriptionId the subscription
 * @param resourceGroup the resource group; its machines are the job's possible targets
 * @param name the job's name, which is also the name of the run command it creates on every target
 */
public record JobScope(String subscriptionId, String resourceGroup, String name) {

    /** The ARM type of jobs, runcmd's own extension of the provider. */
    public static final String TYPE = "Microsoft.HybridCompute/runCommandJobs";

    /** The scope of a job's ARM id, as {@link #resourceId} writes it. */
    public static JobScope ofResourceId(String resourceId) {
        String[] segments = resourceId.split("/");
        if (segments.length != 9 || !(segments[6] + "/" + segments[7]).equals(TYPE)) {
            throw new IllegalArgumentException("Not a job's resource id: " + resourceId);
        }
        return new JobScope(segments[2], segments[4], segments[8]);
    }

    /** The ARM id of a resource group's jobs, the parent of their ids (what a list is authorized on). */
    public static String collectionId(String subscriptionId, String resourceGroup) {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup + "/providers/" + TYPE;
    }

    /** The job's ARM id. */
    public String resourceId() {
        return collectionId(subscriptionId, resourceGroup) + "/" + name;
    }

    /** A target machine of the job. */
    public MachineScope machine(String machineName) {
        return new MachineScope(subscriptionId, resourceGroup, machineName);
    }

    /** The ARM id of the job's run command on a target machine. */
    public String runCommandId(String machineName) {
        return machine(machineName).runCommandId(name);
    }
}
