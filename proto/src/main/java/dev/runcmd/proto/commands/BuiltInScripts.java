package dev.runcmd.proto.commands;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The scripts of the built-in commands ({@code source.commandId}), shared by the control API, which resolves a
 * command into its script, and the agent, whose policy may allow only some commands and then runs a command only if
 * the script it received is this one: a name the server sends proves nothing by itself.
 */
public final class BuiltInScripts {

    /** Runs the value of the parameter named {@code script} in a POSIX shell. */
    public static final String RUN_SHELL_SCRIPT = "eval \"$script\"";
    /** Runs the value of the parameter named {@code script} in PowerShell. */
    public static final String RUN_POWERSHELL_SCRIPT = "param([string]$script)\nInvoke-Expression $script";

    private static final Map<String, String> SCRIPTS = new LinkedHashMap<>();

    static {
        SCRIPTS.put("RunShellScript", RUN_SHELL_SCRIPT);
        SCRIPTS.put("RunPowerShellScript", RUN_POWERSHELL_SCRIPT);
        SCRIPTS.put("ifconfig", "ip addr 2>/dev/null || ifconfig -a");
        SCRIPTS.put("Uptime", "uptime");
        SCRIPTS.put("DiskUsage", "df -h");
        SCRIPTS.put("IPConfig", "ipconfig /all");
    }

    private BuiltInScripts() {
    }

    /** The script of the built-in command with this id (any case), or empty. */
    public static Optional<String> script(String id) {
        return SCRIPTS.entrySet().stream().filter(entry -> entry.getKey().equalsIgnoreCase(id))
                .map(Map.Entry::getValue).findFirst();
    }

    /** The script of a built-in command with its canonical id; fails for an unknown id. */
    public static String of(String canonicalId) {
        String script = SCRIPTS.get(canonicalId);
        if (script == null) {
            throw new IllegalArgumentException("no built-in command " + canonicalId.toLowerCase(Locale.ROOT));
        }
        return script;
    }
}
