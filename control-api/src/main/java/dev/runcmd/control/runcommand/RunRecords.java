package dev.runcmd.control.runcommand;

import dev.runcmd.control.auth.Access;
import dev.runcmd.control.auth.Actions;
import dev.runcmd.control.auth.Caller;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run leaves on record about itself: its author (systemData, and whether it may run as root) and, for the
 * activity log, the SHA-256 of the script it runs and the user it runs as. A script URI is recorded without its
 * query, which may hold a SAS token.
 */
public final class RunRecords {

    /** Where a REST request leaves the activity log's extra properties. */
    static final String PROPERTIES_KEY = dev.runcmd.control.activity.ActivityContext.PROPERTIES;

    private RunRecords() {
    }

    /** The caller as the author of a run command's definition. */
    public static Author author(Caller caller, boolean mayRunAsRoot, String runCommandId) {
        return new Author(caller.name(), caller.type().name(),
                mayRunAsRoot ? null : Access.denied(caller, Actions.RUN_COMMAND_AS_ROOT, runCommandId));
    }

    /** Leaves the run's script hash and user in the request for the activity log. */
    static void record(RoutingContext http, RunCommandEntity command) {
        http.put(PROPERTIES_KEY, properties(command));
    }

    /** The run's properties for the activity log. */
    public static Map<String, Object> properties(RunCommandEntity command) {
        Map<String, Object> properties = new LinkedHashMap<>();
        String script = command.script;
        if (script == null && command.commandId != null) {
            script = CommandCatalog.find(command.commandId).map(CommandCatalog.BuiltIn::script).orElse(null);
            properties.put("commandId", command.commandId);
        }
        if (script != null) {
            properties.put("scriptSha256", sha256(script));
        }
        if (command.scriptUri != null) {
            int query = command.scriptUri.indexOf('?');
            properties.put("scriptUri", query < 0 ? command.scriptUri : command.scriptUri.substring(0, query));
        }
        properties.put("runAsUser", command.runAsUser == null || command.runAsUser.isBlank()
                ? "(agent user)" : command.runAsUser);
        return properties;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException unavailable) {
            throw new IllegalStateException(unavailable);
        }
    }
}
