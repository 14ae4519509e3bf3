package dev.runcmd.control.runcommand;

import static dev.runcmd.control.arm.RequestJson.invalid;
import static dev.runcmd.control.arm.RequestJson.member;
import static dev.runcmd.control.arm.RequestJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.RequestJson;
import java.util.List;

/**
 * Parses {@code properties.source} (exactly one of {@code script}, {@code scriptUri}, {@code commandId}) and
 * refuses the managed-identity members, which Azure Arc itself does not support either. Error messages never
 * repeat a script or a URL.
 */
final class SourceParser {

    private static final String PATH = "properties.source";

    /** Members that name a managed identity, each refused with the same explanation. */
    private static final List<String> IDENTITY_PROPERTIES = List.of("outputBlobManagedIdentity",
            "errorBlobManagedIdentity");

    private SourceParser() {
    }

    /** The source; throws 400 InvalidRequestContent when it is missing, ambiguous or refers to nothing known. */
    static ScriptSource parse(ObjectNode source) {
        JsonNode script = member(source, "script");
        JsonNode scriptUri = member(source, "scriptUri");
        JsonNode commandId = member(source, "commandId");
        int given = (script == null ? 0 : 1) + (scriptUri == null ? 0 : 1) + (commandId == null ? 0 : 1);
        if (given != 1) {
            throw invalid(PATH, "exactly one of source.script, source.scriptUri, source.commandId is required");
        }
        refuseIdentity(source, "scriptUriManagedIdentity", PATH + ".");
        if (script != null) {
            return ScriptSource.script(text(script, PATH + ".script"));
        }
        if (scriptUri != null) {
            String url = RequestJson.httpUrl(scriptUri, PATH + ".scriptUri");
            if (url == null) {
                throw invalid(PATH + ".scriptUri", "expected an absolute http or https URL");
            }
            return new ScriptSource(ScriptSource.Kind.SCRIPT_URI, url);
        }
        return builtIn(text(commandId, PATH + ".commandId"));
    }

    /** Refuses {@code outputBlobManagedIdentity} and {@code errorBlobManagedIdentity} in the properties. */
    static void refuseIdentities(ObjectNode properties) {
        for (String name : IDENTITY_PROPERTIES) {
            refuseIdentity(properties, name, "properties.");
        }
    }

    private static void refuseIdentity(ObjectNode parent, String name, String prefix) {
        if (member(parent, name) != null) {
            throw ArmException.invalidContent("Invalid request content at '" + prefix + name
                    + "': managed identities are not supported; use a SAS URL.");
        }
    }

    private static ScriptSource builtIn(String id) {
        return CommandCatalog.find(id)
                .map(command -> new ScriptSource(ScriptSource.Kind.COMMAND_ID, command.id()))
                .orElseThrow(() -> invalid(PATH + ".commandId", "unknown command id '" + id
                        + "'; the known ids are " + String.join(", ", CommandCatalog.ids())));
    }
}
