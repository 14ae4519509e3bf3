package dev.runcmd.control.runcommand;

import dev.runcmd.proto.commands.BuiltInScripts;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The built-in commands that {@code source.commandId} may name, resolved into the script and shell an execution
 * runs when the run command is stored. Ids match case-insensitively, as ARM ids do; the view shows the canonical
 * spelling. docs/api.md documents the catalogue.
 */
public final class CommandCatalog {

    /** The parameter whose value RunShellScript and RunPowerShellScript run. */
    public static final String SCRIPT_PARAMETER = "script";

    /**
     * One built-in command.
     *
     * @param id the canonical id
     * @param script what the execution runs
     * @param shell which interpreter runs it
     * @param needsScriptParameter true when a parameter named {@value #SCRIPT_PARAMETER} is required
     */
    public record BuiltIn(String id, String script, ScriptShell shell, boolean needsScriptParameter) {
    }

    /**
     * The catalogue. PowerShell hands named parameters to a script as {@code -name value} arguments, so the
     * PowerShell entry declares {@code $script} in a param block; a POSIX shell sees them as environment variables.
     */
    private static final List<BuiltIn> COMMANDS = List.of(
            builtIn("RunShellScript", ScriptShell.POSIX, true),
            builtIn("RunPowerShellScript", ScriptShell.POWERSHELL, true),
            builtIn("ifconfig", ScriptShell.POSIX, false),
            builtIn("Uptime", ScriptShell.POSIX, false),
            builtIn("DiskUsage", ScriptShell.POSIX, false),
            builtIn("IPConfig", ScriptShell.POWERSHELL, false));

    /** A catalogue entry whose script is the one agents know too ({@link BuiltInScripts}). */
    private static BuiltIn builtIn(String id, ScriptShell shell, boolean needsScriptParameter) {
        return new BuiltIn(id, BuiltInScripts.of(id), shell, needsScriptParameter);
    }

    private CommandCatalog() {
    }

    /** The built-in command with this id (any case), or empty. */
    public static Optional<BuiltIn> find(String id) {
        String wanted = id.toLowerCase(Locale.ROOT);
        return COMMANDS.stream().filter(c -> c.id().toLowerCase(Locale.ROOT).equals(wanted)).findFirst();
    }

    /** The known ids, in catalogue order. */
    public static List<String> ids() {
        return COMMANDS.stream().map(BuiltIn::id).toList();
    }
}
