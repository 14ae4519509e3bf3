package dev.runcmd.control.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The REST shape of a fan-out job (runcmd's {@code Microsoft.HybridCompute/runCommandJobs}).
 *
 * @param id the ARM resource id
 * @param name the job's name, also its run command's name on every target
 * @param type always {@link JobScope#TYPE}
 * @param location the location given on PUT
 * @param tags the job's tags
 * @param systemData who created it, and when
 * @param properties the definition and where it stands
 */
public record JobView(String id, String name, String type, String location, Map<String, String> tags,
        SystemData systemData, Properties properties) {

    /**
     * ARM's systemData (a job is never modified, only replaced).
     *
     * @param createdBy who created the job
     * @param createdByType User or Application
     * @param createdAt when, ISO-8601 UTC
     */
    public record SystemData(String createdBy, String createdByType, String createdAt) {
    }

    /**
     * The definition and where the job stands.
     *
     * @param targets the targets as requested
     * @param maxConcurrency as requested
     * @param maxErrors as requested
     * @param runCommand the run command's properties, without secrets
     * @param provisioningState Running, then Succeeded, Failed or Canceled
     * @param message why it stopped starting targets, or absent
     * @param targetCount how many machines it runs on
     * @param executionStateCounts how many targets are in each execution state (Pending includes targets not
     *     started yet)
     * @param startTime when it was created, ISO-8601 UTC
     * @param endTime when it ended, or absent
     */
    public record Properties(JsonNode targets, String maxConcurrency, String maxErrors, JsonNode runCommand,
            String provisioningState, @JsonInclude(JsonInclude.Include.NON_EMPTY) String message, int targetCount,
            Map<String, Long> executionStateCounts, String startTime,
            @JsonInclude(JsonInclude.Include.NON_NULL) String endTime) {
    }
}
