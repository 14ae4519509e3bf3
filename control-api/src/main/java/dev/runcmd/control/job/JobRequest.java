package dev.runcmd.control.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.control.runcommand.RunCommandRequest;
import java.util.List;
import java.util.Map;

/**
 * A validated job definition: built only after every rule has been checked.
 *
 * @param location the ARM location
 * @param tags the job's own resource tags
 * @param targets which machines of the resource group it runs on
 * @param maxConcurrency how many targets may run at once
 * @param maxErrors how many targets may end other than Succeeded before it starts no more
 * @param runCommand the run command it creates on every target (its location is the job's)
 * @param shownRunCommand the run command's properties as the job shows them: no secrets
 */
public record JobRequest(String location, Map<String, String> tags, Targets targets, Limit maxConcurrency,
        Limit maxErrors, RunCommandRequest runCommand, ObjectNode shownRunCommand) {

    /**
     * The machines a job runs on: those named, and those whose tags (agent-reported and API-set, merged) include
     * every one of {@code tags}; a machine both named and matched runs once.
     *
     * @param machines machine names in the order given, without duplicates
     * @param tags tag names and values that must all match, or empty for none
     */
    public record Targets(List<String> machines, Map<String, String> tags) {
    }

    /** Leaves the run command's secrets to its own toString. */
    @Override
    public String toString() {
        return "JobRequest[location=" + location + ", targets=" + targets + ", maxConcurrency="
                + maxConcurrency.text() + ", maxErrors=" + maxErrors.text() + ", runCommand=" + runCommand + "]";
    }
}
