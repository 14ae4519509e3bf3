package dev.runcmd.control.runcommand;

import dev.runcmd.control.arm.ArmException;

/**
 * Who defines a run command, as {@code systemData} records it, and whether they may have it run as the agent's own
 * user (root): decided before the write's transaction, checked against the definition the write stores (for a
 * PATCH, the merged one).
 *
 * @param name the caller's name ({@code systemData.createdBy}/{@code lastModifiedBy})
 * @param type {@code User} or {@code Application}
 * @param rootDenied the 403 to answer when the stored definition would run as root, or null when allowed
 */
public record Author(String name, String type, ArmException rootDenied) {

    /** Fails with {@link #rootDenied} when {@code runAs} is the agent's own user (no runAsUser) or root. */
    void checkRunAs(RunAs runAs) {
        if (rootDenied != null && runsAsRoot(runAs)) {
            throw rootDenied;
        }
    }

    /** Whether a run as {@code runAs} runs as the agent's user or as root. */
    public static boolean runsAsRoot(RunAs runAs) {
        String user = runAs == null ? null : runAs.user();
        return user == null || user.isBlank() || user.equals("root") || user.equals("0");
    }
}
