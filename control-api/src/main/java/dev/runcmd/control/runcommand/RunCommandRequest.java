package dev.runcmd.control.runcommand;

import java.util.List;
import java.util.Map;

/**
 * A validated PUT body: everything runcmd stores from it. Built only by {@link RunCommandRequestParser}.
 *
 * @param location the ARM location, never blank
 * @param tags the resource tags
 * @param script the inline script (the only supported source so far)
 * @param parameters the parameters, in request order
 * @param protectedParameters the protected parameters, in request order; never logged, never shown
 * @param asyncExecution Azure's asyncExecution flag
 * @param timeoutSeconds the script's timeout, 0 for none
 */
public record RunCommandRequest(String location, Map<String, String> tags, String script, List<Parameter> parameters,
        List<Parameter> protectedParameters, boolean asyncExecution, int timeoutSeconds) {

    /** Leaves out the script and every parameter value, which may hold secrets. */
    @Override
    public String toString() {
        return "RunCommandRequest[location=" + location + ", parameters=" + parameters.size()
                + ", protectedParameters=" + protectedParameters.size() + ", asyncExecution=" + asyncExecution
                + ", timeoutSeconds=" + timeoutSeconds + "]";
    }
}
