package dev.runcmd.control.runcommand;

import java.util.List;
import java.util.Map;

/**
 * A validated run command definition: everything runcmd stores from a PUT body, a merged PATCH or a gRPC
 * CreateOrUpdateRunCommand. Built only after every rule has been checked.
 *
 * @param location the ARM location, never blank
 * @param tags the resource tags
 * @param source the script source
 * @param parameters the parameters, in request order
 * @param protectedParameters the protected parameters, in request order; never logged, never shown
 * @param runAs the user to run as and its password
 * @param blobs where to upload the full output
 * @param asyncExecution Azure's asyncExecution flag
 * @param timeoutSeconds the script's timeout, 0 for none
 * @param deliveryTimeoutSeconds how long each execution may wait, Pending, for its machine before it ends Failed
 *     (runcmd's {@code properties.deliveryTimeoutInSeconds}, 1..2592000)
 * @param dependsOn names of run commands on the same machine that must succeed first, without duplicates
 */
public record RunCommandRequest(String location, Map<String, String> tags, ScriptSource source,
        List<Parameter> parameters, List<Parameter> protectedParameters, RunAs runAs, OutputBlobs blobs,
        boolean asyncExecution, int timeoutSeconds, int deliveryTimeoutSeconds, List<String> dependsOn) {

    /** Leaves out the script, every parameter value, the password and the URLs, which may hold secrets. */
    @Override
    public String toString() {
        return "RunCommandRequest[location=" + location + ", source=" + source + ", parameters="
                + parameters.size() + ", protectedParameters=" + protectedParameters.size() + ", runAs=" + runAs
                + ", blobs=" + blobs + ", asyncExecution=" + asyncExecution + ", timeoutSeconds=" + timeoutSeconds
                + ", deliveryTimeoutSeconds=" + deliveryTimeoutSeconds + ", dependsOn=" + dependsOn + "]";
    }
}
