package dev.runcmd.control.runcommand;

/**
 * Azure's {@code properties.source}: exactly one of an inline script, a script URL the agent downloads, or the id
 * of a built-in command ({@link CommandCatalog}).
 *
 * @param kind which of the three it is
 * @param value the script text, the http(s) URL, or the canonical command id
 */
public record ScriptSource(Kind kind, String value) {

    /** The three kinds of source. */
    public enum Kind {
        /** {@code source.script}: the script text itself. */
        SCRIPT,
        /** {@code source.scriptUri}: an http(s) URL the agent downloads the script from. */
        SCRIPT_URI,
        /** {@code source.commandId}: a built-in command, resolved into a script when stored. */
        COMMAND_ID
    }

    /** An inline script. */
    public static ScriptSource script(String text) {
        return new ScriptSource(Kind.SCRIPT, text);
    }

    /** The inline script, or null for another kind. */
    public String script() {
        return kind == Kind.SCRIPT ? value : null;
    }

    /** The script URL, or null for another kind. */
    public String scriptUri() {
        return kind == Kind.SCRIPT_URI ? value : null;
    }

    /** The built-in command id, or null for another kind. */
    public String commandId() {
        return kind == Kind.COMMAND_ID ? value : null;
    }

    /** The stored source of a run command row (its script, script_uri and command_id columns). */
    static ScriptSource of(RunCommandEntity command) {
        if (command.commandId != null) {
            return new ScriptSource(Kind.COMMAND_ID, command.commandId);
        }
        if (command.scriptUri != null) {
            return new ScriptSource(Kind.SCRIPT_URI, command.scriptUri);
        }
        return script(command.script == null ? "" : command.script);
    }

    /** Leaves out the script text and the URL, which may carry secrets (a SAS token). */
    @Override
    public String toString() {
        return "ScriptSource[" + kind + (kind == Kind.COMMAND_ID ? "=" + value : "") + "]";
    }
}
