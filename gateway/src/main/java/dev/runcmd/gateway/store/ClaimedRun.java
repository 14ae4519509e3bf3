package dev.runcmd.gateway.store;

import io.vertx.core.json.JsonArray;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The snapshot of an execution that a claim handed to one session: what its Run carries.
 *
 * <p>{@code protectedParameters} holds secrets: never log it.
 *
 * @param id the execution id
 * @param runCommandName the run command's name
 * @param script the script text
 * @param parameters public parameters, {@code [{"name":..,"value":..}]} in order
 * @param protectedParameters protected parameters, same shape, in order (before encryption at rest)
 * @param sealedProtectedParameters the protected parameters' JSON array sealed by control-api, or null
 * @param scriptUri where the agent downloads the script, or null
 * @param runAsUser the OS user to run as, or null
 * @param sealedRunAsPassword that user's password, sealed, or null
 * @param outputBlobUri where the agent uploads stdout, or null
 * @param errorBlobUri where the agent uploads stderr, or null
 * @param commandId the run command's source.commandId, or null for a script
 * @param shell the agent.proto Shell name, or null for the default
 * @param timeoutSeconds the timeout; 0 means none
 * @param createdAt when the execution was created; Runs are sent in this order
 * @param traceparent the W3C traceparent of the request that created it, or null when it was not traced
 * @param stdoutEnd bytes of stdout already accounted for (stored plus dropped; 0 for a fresh run)
 * @param stderrEnd bytes of stderr already accounted for
 */
public record ClaimedRun(
        UUID id,
        String runCommandName,
        String script,
        JsonArray parameters,
        JsonArray protectedParameters,
        String sealedProtectedParameters,
        String scriptUri,
        String runAsUser,
        String sealedRunAsPassword,
        String outputBlobUri,
        String errorBlobUri,
        String commandId,
        String shell,
        int timeoutSeconds,
        OffsetDateTime createdAt,
        String traceparent,
        long stdoutEnd,
        long stderrEnd) {

    @Override
    public String toString() {
        return "ClaimedRun[" + id + ", " + runCommandName + "]";
    }
}
