package dev.runcmd.control.runcommand;

/**
 * Azure's {@code runAsUser} and {@code runAsPassword}: the OS user the script runs as. The password is a secret:
 * it is sealed before it is stored, never returned and never logged.
 *
 * @param user the user, or null for the agent's own
 * @param password the user's password, or null
 */
public record RunAs(String user, String password) {

    /** Run as the agent's own user. */
    public static final RunAs AGENT = new RunAs(null, null);

    /** Leaves out the password. */
    @Override
    public String toString() {
        return "RunAs[user=" + user + ", password=" + (password == null ? "none" : "<hidden>") + "]";
    }
}
