package dev.runcmd.control.runcommand;

/**
 * Which interpreter runs an execution (column {@code execution.shell}). The stored values are the names of
 * agent.proto's {@code Shell} enum, so a gateway maps a row with {@code Shell.valueOf(stored)}.
 */
public enum ScriptShell {

    /** The agent's default: /bin/sh (or the script's "#!" line) on Linux, PowerShell on Windows. */
    DEFAULT("SHELL_DEFAULT"),
    /** A POSIX shell, whatever the agent's OS. */
    POSIX("SHELL_POSIX"),
    /** Windows PowerShell. */
    POWERSHELL("SHELL_POWERSHELL");

    private final String stored;

    ScriptShell(String stored) {
        this.stored = stored;
    }

    /** The value in the {@code execution.shell} column. */
    public String stored() {
        return stored;
    }
}
