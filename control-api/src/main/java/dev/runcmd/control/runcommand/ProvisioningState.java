package dev.runcmd.control.runcommand;

/**
 * Azure's {@code provisioningState} of a run command (column {@code run_command.provisioning_state}): whether the
 * platform delivered the command, not whether the script succeeded.
 */
public enum ProvisioningState {

    /** Created by a PUT; its first execution is on its way. */
    CREATING("Creating"),
    /** Changed by a PUT; its new execution is on its way. */
    UPDATING("Updating"),
    /** The platform ran the command (the script may still have failed). */
    SUCCEEDED("Succeeded"),
    /** The platform could not run the command. */
    FAILED("Failed"),
    /** The command's execution was stopped before the platform finished it. */
    CANCELED("Canceled"),
    /** A DELETE is in progress. */
    DELETING("Deleting");

    private final String stored;

    ProvisioningState(String stored) {
        this.stored = stored;
    }

    /** The value stored and shown. */
    public String stored() {
        return stored;
    }
}
